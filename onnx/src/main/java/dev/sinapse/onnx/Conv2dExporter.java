package dev.sinapse.onnx;

import dev.sinapse.api.Convolution;
import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.SinapseException;
import java.util.List;

/**
 * conv2d as Conv: Z[f] = b[f] + Σ_{c,ky,kx} W[f, c, ky, kx]·X[c, oy·s + ky − p, ox·s + kx − p], cross-correlation, as
 * ONNX computes it. W's rows (F × C·K·K, each filter channel by channel, each K × K row-major) are already the
 * row-major [F, C, K, K] tensor ONNX wants, so the values go as they are; b is [F]. Stride and padding are read from
 * the config as the layer's factory reads them (padding "valid" = 0, "same" = (K − 1)/2, or a number), the same zeros
 * on every side.
 */
final class Conv2dExporter implements LayerExporter {
    @Override
    public String export(Layer layer, LayerSpec spec, OnnxGraph graph, String input) {
        if (!(layer instanceof Convolution conv) || layer.params().size() != 2) {
            throw new SinapseException("layer '" + layer.name() + "' (" + spec.type() + ") is not a convolution with weights and bias");
        }
        int[] filter = conv.filterShape();   // C, K, K
        int k = filter[1];
        Options options = new Options("layer '" + layer.name() + "'", spec.options());
        long stride = options.getPositiveInt("stride", 1);
        long pad = padding(options.getString("padding", "valid"), k);
        Matrix W = conv.weights().value();
        Param bias = layer.params().get(0) == conv.weights() ? layer.params().get(1) : layer.params().get(0);
        String w = graph.initializer(conv.weights().name(), W, W.rows(), filter[0], k, k);
        String b = graph.initializer(bias.name(), bias.value(), W.rows());
        return graph.node("Conv", layer.name(), List.of(input, w, b), OnnxGraph.ints("kernel_shape", k, k),
                OnnxGraph.ints("strides", stride, stride), OnnxGraph.ints("pads", pad, pad, pad, pad),
                OnnxGraph.ints("dilations", 1, 1), OnnxGraph.attribute("group", 1L));
    }

    /** The layer's own reading of option padding; the config was checked when the layer was built. */
    private static long padding(String v, int k) {
        return switch (v) {
            case "valid" -> 0;
            case "same" -> (k - 1) / 2;
            default -> Long.parseLong(v.trim());
        };
    }

    @Override
    public boolean shaped() {
        return true;
    }
}
