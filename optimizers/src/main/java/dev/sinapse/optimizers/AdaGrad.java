package dev.sinapse.optimizers;

import dev.sinapse.api.Optimizer;
import dev.sinapse.api.OptimizerFactory;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.State;
import java.util.List;

/**
 * AdaGrad: Duchi, Hazan &amp; Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
 * Optimization", JMLR 12, 2011 (the diagonal version).
 * <pre>
 *   G ← G + g²
 *   θ ← θ − α·g / (√G + ε)
 * </pre>
 * G: one tensor per parameter, its shape, starting at initial_accumulator. G only grows, so every
 * coordinate's step only shrinks: rarely-moved coordinates keep larger steps.
 */
final class AdaGrad implements Optimizer {
    private final double epsilon;
    private final Slots sumOfSquares;
    private long t;

    AdaGrad(double epsilon, double initialAccumulator) {
        this.epsilon = epsilon;
        this.sumOfSquares = new Slots("G", (float) initialAccumulator);
    }

    @Override
    public void step(List<Param> params, double alpha) {
        sumOfSquares.prepare(params);
        t++;
        for (int i = 0; i < params.size(); i++) {
            float[] theta = params.get(i).value().data();
            float[] g = params.get(i).grad().data();
            float[] G = sumOfSquares.of(i);
            // in float: a loop the JIT vectorises (sqrt and division included), as the same loop in double is not
            float a = (float) alpha, eps = (float) epsilon;
            for (int j = 0; j < theta.length; j++) {
                float gj = g[j];
                float Gj = Math.fma(gj, gj, G[j]);
                G[j] = Gj;
                theta[j] -= a * gj / ((float) Math.sqrt(Gj) + eps);
            }
        }
    }

    @Override
    public State state() {
        State state = new State().putLong("t", t);
        sumOfSquares.saveInto(state);
        return state;
    }

    @Override
    public void restore(State state) {
        t = Slots.savedT(state);
        sumOfSquares.restoreFrom(state, t);
    }

    @Override
    public void checkRestored(List<Param> params) {
        sumOfSquares.checkRestored(params);
    }

    static final class Factory implements OptimizerFactory {
        @Override
        public Optimizer create(Options options) {
            return new AdaGrad(Hyperparameters.positive(options, "epsilon", 1e-10),
                    Hyperparameters.nonNegative(options, "initial_accumulator", 0));
        }

        @Override
        public String help() {
            return "AdaGrad (Duchi et al. 2011); options epsilon=1e-10, initial_accumulator=0";
        }
    }
}
