package dev.sinapse.plugin.swish;

import dev.sinapse.api.Activation;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.Options;

/**
 * Swish (Ramachandran, Zoph and Le, "Searching for Activation Functions", 2017): A = z·σ(βz).
 * f'(z) = σ(βz) + βz·σ(βz)(1 − σ(βz)) = s + β·a·(1 − s), with s = σ(βz) and a = z·s.
 * β = 1 is SiLU; β = 0 is the line z/2; a large β approaches ReLU.
 *
 * <p>This is the worked example of a plug-in: it lives outside the core modules, is bound by {@link SwishModule},
 * and is found through {@code META-INF/services/com.google.inject.Module}.
 */
final class Swish implements Activation {
    private final double beta;

    Swish(double beta) {
        this.beta = beta;
    }

    @Override
    public float apply(float z) {
        return (float) (z * sigma(beta * z));
    }

    @Override
    public float derivative(float z, float a) {
        double s = sigma(beta * z);
        return (float) (s + beta * a * (1 - s));
    }

    /** σ(x) = 1/(1 + e^−x), written so that exp only sees −|x| and never overflows. */
    private static double sigma(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** Option: beta ≥ 0, default 1. */
    static final class Factory implements ActivationFactory {
        @Override
        public Activation create(Options options) {
            double beta = options.getDouble("beta", 1.0);
            if (beta < 0) {
                throw options.error("beta", "must be 0 or more, got " + beta);
            }
            return new Swish(beta);
        }

        @Override
        public String help() {
            return "swish, z·sigmoid(beta·z) (a plug-in); options: beta (0 or more, default 1)";
        }
    }
}
