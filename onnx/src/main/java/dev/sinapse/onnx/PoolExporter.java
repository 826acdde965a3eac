package dev.sinapse.onnx;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Options;
import java.util.List;

/**
 * max_pool as MaxPool, avg_pool as AveragePool: k × k windows slid by the stride (default k) over each channel, no
 * padding (Sinapse's pooling layers have none, so AveragePool's count_include_pad has nothing to count and every
 * window divides by k², as AvgPool does), the last partial window dropped (ceil_mode 0), as the layers do.
 */
final class PoolExporter implements LayerExporter {
    private final String op;

    /** @param op MaxPool or AveragePool */
    PoolExporter(String op) {
        this.op = op;
    }

    @Override
    public String export(Layer layer, LayerSpec spec, OnnxGraph graph, String input) {
        Options options = new Options("layer '" + layer.name() + "'", spec.options());
        long size = options.getPositiveInt("size", 2);
        long stride = options.getPositiveInt("stride", (int) size);
        return graph.node(op, layer.name(), List.of(input), OnnxGraph.ints("kernel_shape", size, size),
                OnnxGraph.ints("strides", stride, stride), OnnxGraph.ints("pads", 0, 0, 0, 0), OnnxGraph.attribute("ceil_mode", 0L));
    }

    @Override
    public boolean shaped() {
        return true;
    }
}
