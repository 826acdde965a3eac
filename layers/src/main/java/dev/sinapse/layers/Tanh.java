package dev.sinapse.layers;

import dev.sinapse.api.Activation;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.Options;

/** A = tanh(z); f'(z) = 1 − a². */
final class Tanh implements Activation {
    @Override
    public float apply(float z) {
        return (float) Math.tanh(z);
    }

    @Override
    public float derivative(float z, float a) {
        return 1f - a * a;
    }

    /** No options. */
    static final class Factory implements ActivationFactory {
        @Override
        public Activation create(Options options) {
            return new Tanh();
        }

        @Override
        public String help() {
            return "hyperbolic tangent; no options";
        }
    }
}
