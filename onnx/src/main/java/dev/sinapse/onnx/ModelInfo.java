package dev.sinapse.onnx;

import java.util.List;

/**
 * What an export writes besides the layers: the preprocessing and the metadata.
 *
 * @param experiment     the experiment's name, for the metadata
 * @param pixelScale     data.pixel_scale: inputs are divided by it inside the graph, as predict divides them
 * @param sinapseVersion the version writing the file (producer_version and metadata)
 * @param classNames     the name of each output class, in order; empty when the model has none (then no metadata)
 * @param labelOutput    whether to add a second output, the most probable class
 * @param features       a table's per-feature transform, applied before the pixel scale; null for pixels
 */
public record ModelInfo(String experiment, float pixelScale, String sinapseVersion, List<String> classNames, boolean labelOutput,
                        Features features) {
    public ModelInfo {
        classNames = List.copyOf(classNames);
    }

    public ModelInfo(String experiment, float pixelScale, String sinapseVersion, List<String> classNames, boolean labelOutput) {
        this(experiment, pixelScale, sinapseVersion, classNames, labelOutput, null);
    }

    /** Feature j: a missing value (NaN) becomes fill[j], then x' = (x − shift[j])·factor[j], as training fitted them. */
    public record Features(float[] fill, float[] shift, float[] factor) {
    }
}
