package dev.sinapse.layers;

import dev.sinapse.api.Activation;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.Options;

/** A = max(0, Z); f'(z) = 1 for z > 0, else 0 (0 at the kink z = 0, like the tutorial's {@code Z > 0}). */
final class Relu implements Activation {
    @Override
    public float apply(float z) {
        return z > 0 ? z : 0f;
    }

    @Override
    public float derivative(float z, float a) {
        return z > 0 ? 1f : 0f;
    }

    /** No options. */
    static final class Factory implements ActivationFactory {
        @Override
        public Activation create(Options options) {
            return new Relu();
        }

        @Override
        public String help() {
            return "rectified linear unit, max(0, z); no options";
        }
    }
}
