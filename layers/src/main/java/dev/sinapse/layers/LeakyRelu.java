package dev.sinapse.layers;

import dev.sinapse.api.Activation;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.Options;

/** A = z for z > 0, α·z otherwise; f'(z) = 1 for z > 0, else α (α at the kink, matching ReLU's choice of the left side). */
final class LeakyRelu implements Activation {
    private final float alpha;

    LeakyRelu(float alpha) {
        this.alpha = alpha;
    }

    @Override
    public float apply(float z) {
        return z > 0 ? z : alpha * z;
    }

    @Override
    public float derivative(float z, float a) {
        return z > 0 ? 1f : alpha;
    }

    /** Option: alpha in [0, 1], default 0.01. */
    static final class Factory implements ActivationFactory {
        @Override
        public Activation create(Options options) {
            return new LeakyRelu((float) options.getDouble("alpha", 0.01, 0.0, 1.0));
        }

        @Override
        public String help() {
            return "leaky ReLU, z or alpha·z; options: alpha (slope below 0, in [0, 1], default 0.01)";
        }
    }
}
