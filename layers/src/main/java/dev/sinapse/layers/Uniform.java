package dev.sinapse.layers;

import dev.sinapse.api.Initializer;
import dev.sinapse.api.InitializerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Rng;

/** W[i] ~ U[low, high). The defaults −0.5, 0.5 are the tutorial's {@code rand − 0.5}. */
final class Uniform implements Initializer {
    private final double low;
    private final double high;

    Uniform(double low, double high) {
        this.low = low;
        this.high = high;
    }

    @Override
    public void fill(Matrix W, int fanIn, int fanOut, Rng rng) {
        float[] w = W.data();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (low + (high - low) * rng.nextDouble());
        }
    }

    /** Options: low (default −0.5), high (default 0.5), low ≤ high. */
    static final class Factory implements InitializerFactory {
        @Override
        public Initializer create(Options options) {
            double low = options.getDouble("low", -0.5);
            double high = options.getDouble("high", 0.5);
            if (high < low) {
                throw options.error("high", "must be at least low (" + low + "), got " + high);
            }
            return new Uniform(low, high);
        }

        @Override
        public String help() {
            return "uniform in [low, high); options: low (default -0.5), high (default 0.5)";
        }
    }
}
