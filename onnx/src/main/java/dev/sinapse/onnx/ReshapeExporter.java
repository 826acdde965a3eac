package dev.sinapse.onnx;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;

/**
 * reshape as Reshape to [batch, the layer's output shape...] (batch given as 0, "the input's own"): our rows are laid
 * out channel by channel, each row by row, which is ONNX's row-major order, so the values keep their places.
 */
final class ReshapeExporter implements LayerExporter {
    @Override
    public String export(Layer layer, LayerSpec spec, OnnxGraph graph, String input) {
        return graph.reshape(layer.name(), input, layer.outputShape());
    }

    @Override
    public boolean shaped() {
        return true;
    }
}
