package dev.sinapse.layers;

import dev.sinapse.api.Layer;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;

/** The input-width check every layer makes on entry, so a data/config mismatch names the layer, not an index. */
final class Inputs {
    private Inputs() {
    }

    /** Fails unless X has {@code layer.inputSize()} columns. */
    static void requireWidth(Layer layer, String type, Matrix X) {
        if (X.cols() != layer.inputSize()) {
            throw new SinapseException("layer '" + layer.name() + "' (" + type + "): input has " + X.cols()
                    + " features, expected " + layer.inputSize());
        }
    }
}
