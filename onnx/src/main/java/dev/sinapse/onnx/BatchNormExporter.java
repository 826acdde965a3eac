package dev.sinapse.onnx;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.State;
import java.util.List;

/**
 * batch_norm at inference, Y = γ ⊙ (X − running μ) / √(running σ² + ε) + β, as BatchNormalization (inference mode,
 * the default): its inputs are X, scale γ, bias β, mean and var, each 1 × n here. Kept as the operator rather than
 * folded into the dense layer before it, so import gets γ, β and the running statistics back unchanged. ε and the
 * momentum are the config's, with the layer's defaults (1e-5, 0.9).
 */
final class BatchNormExporter implements LayerExporter {
    @Override
    public String export(Layer layer, LayerSpec spec, OnnxGraph graph, String input) {
        List<Param> params = layer.params();
        State state = layer.state();
        Matrix mean = state.tensors().get("running_mean"), var = state.tensors().get("running_var");
        if (params.size() != 2 || mean == null || var == null) {
            throw new SinapseException("layer '" + layer.name() + "' (" + spec.type() + ") lacks gamma, beta or its running statistics");
        }
        Options options = new Options("layer '" + layer.name() + "'", spec.options());
        float epsilon = (float) options.getDouble("epsilon", 1e-5);
        float momentum = (float) options.getDouble("momentum", 0.9);
        int n = layer.outputSize();
        String gamma = graph.initializer(params.get(0).name(), params.get(0).value(), n);
        String beta = graph.initializer(params.get(1).name(), params.get(1).value(), n);
        String mu = graph.initializer(layer.name() + ".running_mean", mean, n);
        String sigma2 = graph.initializer(layer.name() + ".running_var", var, n);
        return graph.node("BatchNormalization", layer.name(), List.of(input, gamma, beta, mu, sigma2),
                OnnxGraph.attribute("epsilon", epsilon), OnnxGraph.attribute("momentum", momentum));
    }
}
