package dev.sinapse.plugin.swish;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Options;
import dev.sinapse.onnx.LayerExporter;
import dev.sinapse.onnx.OnnxGraph;
import java.util.List;

/** The plug-in's ONNX export, A = z·σ(βz): Mul(z, Sigmoid(Mul(z, β))), ONNX having no swish of its own. */
final class SwishExporter implements LayerExporter {
    @Override
    public String export(Layer layer, LayerSpec spec, OnnxGraph graph, String z) {
        float beta = (float) new Options("layer '" + layer.name() + "'", spec.options()).getDouble("beta", 1.0);
        String betaZ = graph.node("Mul", layer.name() + ".beta_z", List.of(z, graph.scalar(layer.name() + ".beta", beta)));
        String sigma = graph.node("Sigmoid", layer.name() + ".sigmoid", List.of(betaZ));
        return graph.node("Mul", layer.name(), List.of(z, sigma));
    }
}
