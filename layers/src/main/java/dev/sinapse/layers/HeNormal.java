package dev.sinapse.layers;

import dev.sinapse.api.Initializer;
import dev.sinapse.api.InitializerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Rng;

/**
 * W[i] ~ N(0, 2/fanIn) (He et al., 2015): keeps the activation variance constant through ReLU layers,
 * which zero half their inputs.
 */
final class HeNormal implements Initializer {
    @Override
    public void fill(Matrix W, int fanIn, int fanOut, Rng rng) {
        double std = Math.sqrt(2.0 / fanIn);
        float[] w = W.data();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (std * rng.nextGaussian());
        }
    }

    /** No options. */
    static final class Factory implements InitializerFactory {
        @Override
        public Initializer create(Options options) {
            return new HeNormal();
        }

        @Override
        public String help() {
            return "He normal, std sqrt(2/fanIn), for ReLU layers; no options";
        }
    }
}
