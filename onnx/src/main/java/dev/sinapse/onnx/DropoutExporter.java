package dev.sinapse.onnx;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Options;
import java.util.List;

/**
 * dropout as Dropout, which is the identity at inference exactly as Sinapse's inverted dropout is. Written as the
 * operator rather than left out so that the graph shows the network as configured and import gets the layer and
 * its rate back (the ratio input; the layer's default 0.5 when the config leaves it out).
 */
final class DropoutExporter implements LayerExporter {
    @Override
    public String export(Layer layer, LayerSpec spec, OnnxGraph graph, String input) {
        float rate = (float) new Options("layer '" + layer.name() + "'", spec.options()).getDouble("rate", 0.5);
        String ratio = graph.scalar(layer.name() + ".ratio", rate);
        return graph.node("Dropout", layer.name(), List.of(input, ratio));
    }

    /** Element-wise: works on samples of any shape, images included. */
    @Override
    public boolean shaped() {
        return true;
    }
}
