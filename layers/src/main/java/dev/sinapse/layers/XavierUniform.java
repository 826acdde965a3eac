package dev.sinapse.layers;

import dev.sinapse.api.Initializer;
import dev.sinapse.api.InitializerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Rng;

/**
 * W[i] ~ U[−r, r), r = √(6/(fanIn + fanOut)) (Glorot and Bengio, 2010): variance 2/(fanIn + fanOut),
 * balancing the forward and backward signal for tanh and sigmoid layers.
 */
final class XavierUniform implements Initializer {
    @Override
    public void fill(Matrix W, int fanIn, int fanOut, Rng rng) {
        double r = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] w = W.data();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r * (2 * rng.nextDouble() - 1));
        }
    }

    /** No options. */
    static final class Factory implements InitializerFactory {
        @Override
        public Initializer create(Options options) {
            return new XavierUniform();
        }

        @Override
        public String help() {
            return "Xavier/Glorot uniform in ±sqrt(6/(fanIn+fanOut)), for tanh/sigmoid layers; no options";
        }
    }
}
