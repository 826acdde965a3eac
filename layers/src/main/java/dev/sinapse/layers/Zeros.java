package dev.sinapse.layers;

import dev.sinapse.api.Initializer;
import dev.sinapse.api.InitializerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Rng;

/** W = 0; draws nothing. Right for biases; for weights it leaves every unit identical (symmetry is never broken). */
final class Zeros implements Initializer {
    @Override
    public void fill(Matrix W, int fanIn, int fanOut, Rng rng) {
        W.fill(0f);
    }

    /** No options. */
    static final class Factory implements InitializerFactory {
        @Override
        public Initializer create(Options options) {
            return new Zeros();
        }

        @Override
        public String help() {
            return "all zeros (for biases); no options";
        }
    }
}
