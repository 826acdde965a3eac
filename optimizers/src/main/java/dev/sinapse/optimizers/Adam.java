package dev.sinapse.optimizers;

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
        m.prepare(params);
        v.prepare(params);
        t++;
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < params.size(); i++) {
            float[] theta = params.get(i).value().data();
            float[] g = params.get(i).grad().data();
            float[] mi = m.of(i);
            float[] vi = v.of(i);
            for (int j = 0; j < theta.length; j++) {
                double mj = beta1 * mi[j] + (1 - beta1) * g[j];
                double vj = beta2 * vi[j] + (1 - beta2) * g[j] * g[j];
                mi[j] = (float) mj;
                vi[j] = (float) vj;
                double mHat = mj / biasCorrection1;
                double vHat = vj / biasCorrection2;
                theta[j] = (float) (theta[j] - alpha * mHat / (Math.sqrt(vHat) + epsilon));
            }
        }
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
