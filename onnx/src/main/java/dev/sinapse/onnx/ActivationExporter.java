package dev.sinapse.onnx;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import java.util.List;

/** An element-wise activation with no options as the ONNX operator of the same function (ReLU as Relu). */
final class ActivationExporter implements LayerExporter {
    private final String opType;

    ActivationExporter(String opType) {
        this.opType = opType;
    }

    @Override
    public String export(Layer layer, LayerSpec spec, OnnxGraph graph, String input) {
        return graph.node(opType, layer.name(), List.of(input));
    }

    /** Element-wise: works on samples of any shape, images included. */
    @Override
    public boolean shaped() {
        return true;
    }
}
