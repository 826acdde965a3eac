package dev.sinapse.onnx;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;

/**
 * Writes one layer of a trained network as ONNX nodes computing its inference output. Bound under the layer's config
 * key (the {@code type} of its config entry) in a Guice {@code MapBinder<String, LayerExporter>}: {@link OnnxModule}
 * binds the built-in ones, and a plug-in binds its own beside them with
 * {@code MapBinder.newMapBinder(binder(), String.class, LayerExporter.class).addBinding("swish").to(...)}.
 */
public interface LayerExporter {
    /**
     * Adds to {@code graph} the nodes (and their initializers) that turn value {@code input}, a float tensor
     * [batch, layer.inputSize()], into the layer's output [batch, layer.outputSize()] as the layer computes it at
     * inference; returns the name of that output value (may be {@code input} itself, for an identity). When
     * {@link #shaped()} is true, input and output carry the samples' shapes instead (below).
     *
     * @param layer the trained layer, with its parameters and state
     * @param spec  its config entry: type, name, options as written
     */
    String export(Layer layer, LayerSpec spec, OnnxGraph graph, String input);

    /**
     * Whether this exporter takes its input shaped as the layer before gives it, [batch, C, H, W] for an image
     * ([batch, n] for flat features), and gives [batch, layer.outputShape()...]: true for the image layers and for
     * element-wise operators, which work on any shape. False (the default): both flat, [batch, n], whatever shape the
     * samples have; the export reshapes around such a layer, so an exporter written for flat rows stays right.
     */
    default boolean shaped() {
        return false;
    }
}
