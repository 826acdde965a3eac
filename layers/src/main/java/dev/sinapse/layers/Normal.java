package dev.sinapse.layers;

import dev.sinapse.api.Initializer;
import dev.sinapse.api.InitializerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Rng;

/** W[i] ~ N(mean, std²). */
final class Normal implements Initializer {
    private final double mean;
    private final double std;

    Normal(double mean, double std) {
        this.mean = mean;
        this.std = std;
    }

    @Override
    public void fill(Matrix W, int fanIn, int fanOut, Rng rng) {
        float[] w = W.data();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (mean + std * rng.nextGaussian());
        }
    }

    /** Options: mean (default 0), std ≥ 0 (default 0.01, the "small random numbers" of the classic recipe). */
    static final class Factory implements InitializerFactory {
        @Override
        public Initializer create(Options options) {
            double mean = options.getDouble("mean", 0.0);
            double std = options.getDouble("std", 0.01);
            if (std < 0) {
                throw options.error("std", "must not be negative, got " + std);
            }
            return new Normal(mean, std);
        }

        @Override
        public String help() {
            return "normal N(mean, std^2); options: mean (default 0), std (default 0.01)";
        }
    }
}
