package dev.sinapse.onnx;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import java.util.List;

/** flatten as Flatten from axis 1: [batch, n] stays [batch, n], as Sinapse's rows are already flat. */
final class FlattenExporter implements LayerExporter {
    @Override
    public String export(Layer layer, LayerSpec spec, OnnxGraph graph, String input) {
        return graph.node("Flatten", layer.name(), List.of(input), OnnxGraph.attribute("axis", 1L));
    }
}
