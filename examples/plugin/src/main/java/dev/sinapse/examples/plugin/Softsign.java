package dev.sinapse.examples.plugin;

import dev.sinapse.api.Activation;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.Options;

/** Softsign (Bergstra et al., 2009): A = Z / (1 + |Z|), a smooth squashing into (−1, 1) with polynomial tails. */
final class Softsign implements Activation {
    @Override
    public float apply(float z) {
        return z / (1 + Math.abs(z));
    }

    /** f'(z) = 1 / (1 + |z|)². */
    @Override
    public float derivative(float z, float a) {
        float d = 1 + Math.abs(z);
        return 1 / (d * d);
    }

    static final class Factory implements ActivationFactory {
        @Override
        public Activation create(Options options) {
            return new Softsign();
        }

        @Override
        public String help() {
            return "softsign, z / (1 + |z|) (example plug-in); no options";
        }
    }
}
