package dev.sinapse.optimizers;

import dev.sinapse.api.Optimizer;
import dev.sinapse.api.OptimizerFactory;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.State;
import java.util.List;

/**
 * RMSProp: Tieleman &amp; Hinton, "Lecture 6.5 — RMSProp: divide the gradient by a running average of its
 * recent magnitude", COURSERA: Neural Networks for Machine Learning, 2012.
 * <pre>
 *   s ← ρ·s + (1 − ρ)·g²
 *   θ ← θ − α·g / (√s + ε)
 * </pre>
 * s: one tensor per parameter, its shape, zero before the first step (no bias correction, as in the lecture).
 */
final class RmsProp implements Optimizer {
    private final double rho;
    private final double epsilon;
    private final Slots meanSquare = new Slots("s");
    private long t;

    RmsProp(double rho, double epsilon) {
        this.rho = rho;
        this.epsilon = epsilon;
    }

    @Override
    public void step(List<Param> params, double alpha) {
        meanSquare.prepare(params);
        t++;
        for (int i = 0; i < params.size(); i++) {
            float[] theta = params.get(i).value().data();
            float[] g = params.get(i).grad().data();
            float[] s = meanSquare.of(i);
            // in float: a loop the JIT vectorises (sqrt and division included), as the same loop in double is not
            float r = (float) rho, r1 = (float) (1 - rho), a = (float) alpha, eps = (float) epsilon;
            for (int j = 0; j < theta.length; j++) {
                float gj = g[j];
                float sj = Math.fma(r, s[j], r1 * gj * gj);
                s[j] = sj;
                theta[j] -= a * gj / ((float) Math.sqrt(sj) + eps);
            }
        }
    }

    @Override
    public State state() {
        State state = new State().putLong("t", t);
        meanSquare.saveInto(state);
        return state;
    }

    @Override
    public void restore(State state) {
        t = Slots.savedT(state);
        meanSquare.restoreFrom(state, t);
    }

    @Override
    public void checkRestored(List<Param> params) {
        meanSquare.checkRestored(params);
    }

    static final class Factory implements OptimizerFactory {
        @Override
        public Optimizer create(Options options) {
            return new RmsProp(Hyperparameters.decayRate(options, "rho", 0.9),
                    Hyperparameters.positive(options, "epsilon", 1e-8));
        }

        @Override
        public String help() {
            return "RMSProp (Tieleman & Hinton 2012); options rho=0.9, epsilon=1e-8";
        }
    }
}
