package dev.sinapse.layers;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Rng;
import dev.sinapse.testkit.GradientCheck;
import dev.sinapse.testkit.TestRegistries;
import java.util.List;
import java.util.Map;

/** Builds layers the way a config does: through LayersModule's registries and the api's NetworkBuilder. */
final class Fixtures {
    private Fixtures() {
    }

    /** The api's kinds as LayersModule fills them (optimizers and schedules empty). */
    static Registries registries() {
        return TestRegistries.of(new LayersModule());
    }

    static Network network(int inputSize, List<LayerSpec> specs, long seed) {
        return new NetworkBuilder(registries()).build(inputSize, specs, new Rng(seed));
    }

    /** One layer named "t" of the given type on samples of {@code shape} (channels, height, width), from its options. */
    static Layer imageLayer(String type, int[] shape, Map<String, String> options, long seed) {
        return new NetworkBuilder(registries()).build(shape, List.of(new LayerSpec(type, "t", options)), new Rng(seed)).layers().get(0);
    }

    /** One layer named "t" of the given type, built from its config options. */
    static Layer layer(String type, int inputSize, Map<String, String> options, long seed) {
        return network(inputSize, List.of(new LayerSpec(type, "t", options)), seed).layers().get(0);
    }

    /**
     * The one gradient check of an element-wise activation: its config entry as a 5-unit layer, on 4 × 5 inputs
     * that hold the kinks −1, 0 and 1.
     */
    static void checkActivationGradient(String type, Map<String, String> options) {
        GradientCheck.checkLayer(layer(type, 5, options, 0), GradientCheck.random(4, 5, 5), 1e-2);
    }

    /** Per-column mean of M, in double. */
    static double[] columnMeans(Matrix M) {
        double[] mean = new double[M.cols()];
        for (int i = 0; i < M.rows(); i++) {
            for (int j = 0; j < M.cols(); j++) {
                mean[j] += M.get(i, j) / (double) M.rows();
            }
        }
        return mean;
    }

    /** Per-column biased variance of M, in double. */
    static double[] columnVariances(Matrix M) {
        double[] mean = columnMeans(M);
        double[] var = new double[M.cols()];
        for (int i = 0; i < M.rows(); i++) {
            for (int j = 0; j < M.cols(); j++) {
                double d = M.get(i, j) - mean[j];
                var[j] += d * d / M.rows();
            }
        }
        return var;
    }
}
