package dev.sinapse.onnx;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import java.util.List;

/** softmax over each row: Softmax on axis 1 of [batch, classes]. */
final class SoftmaxExporter implements LayerExporter {
    @Override
    public String export(Layer layer, LayerSpec spec, OnnxGraph graph, String input) {
        return graph.node("Softmax", layer.name(), List.of(input), OnnxGraph.attribute("axis", 1L));
    }
}
