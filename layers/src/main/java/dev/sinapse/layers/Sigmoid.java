package dev.sinapse.layers;

import dev.sinapse.api.Activation;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.Options;

/**
 * A = σ(z) = 1 / (1 + e^−z); f'(z) = a·(1 − a).
 * For negative z it uses the equal form e^z / (1 + e^z), so exp only ever sees −|z| and never overflows.
 */
final class Sigmoid implements Activation {
    @Override
    public float apply(float z) {
        if (z >= 0) {
            return (float) (1.0 / (1.0 + Math.exp(-z)));
        }
        double e = Math.exp(z);
        return (float) (e / (1.0 + e));
    }

    @Override
    public float derivative(float z, float a) {
        return a * (1f - a);
    }

    /** No options. */
    static final class Factory implements ActivationFactory {
        @Override
        public Activation create(Options options) {
            return new Sigmoid();
        }

        @Override
        public String help() {
            return "logistic sigmoid, 1 / (1 + e^-z), stable for large |z|; no options";
        }
    }
}
