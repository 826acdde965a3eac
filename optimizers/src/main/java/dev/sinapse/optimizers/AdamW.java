package dev.sinapse.optimizers;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Optimizer;
import dev.sinapse.api.OptimizerFactory;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.State;
import java.util.List;

/**
 * AdamW: Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019, Algorithm 2.
 * <pre>
 *   θ ← θ − α·(m̂ / (√v̂ + ε) + λ·θ)      m̂, v̂ exactly as in {@link Adam}
 * </pre>
 * The decay λ·θ is decoupled: it shrinks θ directly instead of being added to g, so it never passes
 * through m and v and is not rescaled by √v̂. Since Adam's step does not read θ, this is done as the
 * shrink θ ← θ − α·λ·θ followed by Adam's step. Applied only to parameters that decay (weights, not biases).
 * State: Adam's (t, m, v).
 */
final class AdamW implements Optimizer {
    private final double lambda;
    private final Adam adam;

    AdamW(double beta1, double beta2, double epsilon, double lambda) {
        this.adam = new Adam(beta1, beta2, epsilon);
        this.lambda = lambda;
    }

    @Override
    public void step(List<Param> params, double alpha) {
        step(params, alpha, Compute.serial());
    }

    @Override
    public void step(List<Param> params, double alpha, Compute compute) {
        for (Param p : params) {
            if (p.decays()) {
                float[] theta = p.value().data();
                float keep = (float) (1 - alpha * lambda); // θ − α·λ·θ, in a loop the JIT vectorises
                for (int j = 0; j < theta.length; j++) {
                    theta[j] *= keep;
                }
            }
        }
        adam.step(params, alpha, compute);
    }

    @Override
    public State state() {
        return adam.state();
    }

    @Override
    public void restore(State state) {
        adam.restore(state);
    }

    @Override
    public void checkRestored(List<Param> params) {
        adam.checkRestored(params);
    }

    static final class Factory implements OptimizerFactory {
        @Override
        public Optimizer create(Options options) {
            return new AdamW(Hyperparameters.decayRate(options, "beta1", 0.9),
                    Hyperparameters.decayRate(options, "beta2", 0.999),
                    Hyperparameters.positive(options, "epsilon", 1e-8),
                    Hyperparameters.nonNegative(options, "weight_decay", 0.01));
        }

        @Override
        public String help() {
            return "Adam with decoupled weight decay (Loshchilov & Hutter 2019); options beta1=0.9, beta2=0.999, "
                    + "epsilon=1e-8, weight_decay=0.01";
        }
    }
}
