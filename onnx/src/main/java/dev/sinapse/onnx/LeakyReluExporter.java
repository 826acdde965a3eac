package dev.sinapse.onnx;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Options;
import java.util.List;

/** leaky_relu as LeakyRelu; its alpha is the config's, with the layer's default (0.01), as a float as the layer uses it. */
final class LeakyReluExporter implements LayerExporter {
    @Override
    public String export(Layer layer, LayerSpec spec, OnnxGraph graph, String input) {
        float alpha = (float) new Options("layer '" + layer.name() + "'", spec.options()).getDouble("alpha", 0.01);
        return graph.node("LeakyRelu", layer.name(), List.of(input), OnnxGraph.attribute("alpha", alpha));
    }

    /** Element-wise: works on samples of any shape, images included. */
    @Override
    public boolean shaped() {
        return true;
    }
}
