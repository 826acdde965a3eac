package dev.sinapse.optimizers;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Optimizer;
import dev.sinapse.api.OptimizerFactory;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.State;
import java.util.List;

/**
 * Adam: Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, Algorithm 1.
 * <pre>
 *   t ← t + 1
 *   m ← β1·m + (1 − β1)·g                   first moment estimate
 *   v ← β2·v + (1 − β2)·g²                  second raw moment estimate
 *   m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t)   bias correction: m and v start at 0
 *   θ ← θ − α·m̂ / (√v̂ + ε)
 * </pre>
 * m, v: one tensor per parameter, its shape, zero before the first step; t counts steps from 1.
 */
final class Adam implements Optimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final Slots m = new Slots("m");
    private final Slots v = new Slots("v");
    private long t;

    Adam(double beta1, double beta2, double epsilon) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public void step(List<Param> params, double alpha) {
        step(params, alpha, Compute.serial());
    }

    /** The update of every element, in slices spread over compute's threads (each element's own arithmetic). */
    @Override
    public void step(List<Param> params, double alpha, Compute compute) {
        m.prepare(params);
        v.prepare(params);
        t++;
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2 = 1 - Math.pow(beta2, t);
        // the per-element work in float, constants folded: a loop the JIT vectorises (sqrt and division included),
        // where the same loop in double ran scalar and cost more than the whole forward and backward at batch 32
        float b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
        float step = (float) (alpha / biasCorrection1), unbias2 = (float) (1 / biasCorrection2), eps = (float) epsilon;
        ElementSlices.forEach(params, compute, (i, from, to) -> {
            float[] theta = params.get(i).value().data();
            float[] g = params.get(i).grad().data();
            float[] mi = m.of(i);
            float[] vi = v.of(i);
            for (int j = from; j < to; j++) {
                float gj = g[j];
                float mj = Math.fma(b1, mi[j], c1 * gj);
                float vj = Math.fma(b2, vi[j], c2 * gj * gj);
                mi[j] = mj;
                vi[j] = vj;
                // α·m̂ / (√v̂ + ε) with m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t)
                theta[j] -= step * mj / ((float) Math.sqrt(vj * unbias2) + eps);
            }
        });
    }

    @Override
    public State state() {
        State state = new State().putLong("t", t);
        m.saveInto(state);
        v.saveInto(state);
        return state;
    }

    @Override
    public void restore(State state) {
        t = Slots.savedT(state);
        m.restoreFrom(state, t);
        v.restoreFrom(state, t);
    }

    @Override
    public void checkRestored(List<Param> params) {
        m.checkRestored(params);
        v.checkRestored(params);
    }

    static final class Factory implements OptimizerFactory {
        @Override
        public Optimizer create(Options options) {
            return new Adam(Hyperparameters.decayRate(options, "beta1", 0.9),
                    Hyperparameters.decayRate(options, "beta2", 0.999),
                    Hyperparameters.positive(options, "epsilon", 1e-8));
        }

        @Override
        public String help() {
            return "Adam (Kingma & Ba 2015); options beta1=0.9, beta2=0.999, epsilon=1e-8";
        }
    }
}
