package dev.sinapse.onnx;

import dev.sinapse.api.Affine;
import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;
import java.util.List;

/**
 * An affine layer, Z = X·Wᵀ + b, as one Gemm with transB = 1: ONNX's Gemm computes A·Bᵀ + C, so W is stored as it
 * is, nOut × nIn, and b as a vector of nOut broadcast over the rows. The initializers carry the parameters' names
 * ("hidden.W"), which import reads back.
 */
final class DenseExporter implements LayerExporter {
    @Override
    public String export(Layer layer, LayerSpec spec, OnnxGraph graph, String input) {
        if (!(layer instanceof Affine dense)) {
            throw new SinapseException("layer '" + layer.name() + "' (" + spec.type() + ") is not an affine layer; it cannot be exported as Gemm");
        }
        Matrix W = dense.weights().value(), b = dense.bias().value();
        String w = graph.initializer(dense.weights().name(), W, W.rows(), W.cols());
        String c = graph.initializer(dense.bias().name(), b, b.size());
        return graph.node("Gemm", layer.name(), List.of(input, w, c), OnnxGraph.attribute("transB", 1L));
    }
}
