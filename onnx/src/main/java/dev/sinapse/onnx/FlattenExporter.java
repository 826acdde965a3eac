package dev.sinapse.onnx;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import java.util.List;

/**
 * flatten as Flatten from axis 1: [batch, C, H, W] becomes [batch, C·H·W] in row-major order, channel by channel,
 * which is the order of Sinapse's rows; [batch, n] stays as it is.
 */
final class FlattenExporter implements LayerExporter {
    @Override
    public String export(Layer layer, LayerSpec spec, OnnxGraph graph, String input) {
        return graph.node("Flatten", layer.name(), List.of(input), OnnxGraph.attribute("axis", 1L));
    }

    @Override
    public boolean shaped() {
        return true;
    }
}
