package dev.sinapse.optimizers;

import dev.sinapse.api.Optimizer;
import dev.sinapse.api.OptimizerFactory;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.State;
import java.util.List;

/**
 * Gradient descent with momentum (Polyak 1964), in the form of Sutskever et al., "On the importance of
 * initialization and momentum in deep learning", ICML 2013, as PyTorch writes it:
 * <pre>
 *   v ← μ·v + g
 *   θ ← θ − α·v              classical
 *   θ ← θ − α·(g + μ·v)      Nesterov: step from where the velocity is about to carry θ
 * </pre>
 * v (velocity): one tensor per parameter, its shape, zero before the first step.
 */
final class Momentum implements Optimizer {
    private final double mu;
    private final boolean nesterov;
    private final Slots velocity = new Slots("velocity");
    private long t;

    Momentum(double mu, boolean nesterov) {
        this.mu = mu;
        this.nesterov = nesterov;
    }

    @Override
    public void step(List<Param> params, double alpha) {
        velocity.prepare(params);
        t++;
        for (int i = 0; i < params.size(); i++) {
            float[] theta = params.get(i).value().data();
            float[] g = params.get(i).grad().data();
            float[] v = velocity.of(i);
            // in float: a loop the JIT vectorises, as the same loop in double is not
            float m = (float) mu, a = (float) alpha;
            if (nesterov) {
                for (int j = 0; j < theta.length; j++) {
                    float vj = Math.fma(m, v[j], g[j]);
                    v[j] = vj;
                    theta[j] -= a * Math.fma(m, vj, g[j]);
                }
            } else {
                for (int j = 0; j < theta.length; j++) {
                    float vj = Math.fma(m, v[j], g[j]);
                    v[j] = vj;
                    theta[j] = Math.fma(-a, vj, theta[j]);
                }
            }
        }
    }

    @Override
    public State state() {
        State state = new State().putLong("t", t);
        velocity.saveInto(state);
        return state;
    }

    @Override
    public void restore(State state) {
        t = Slots.savedT(state);
        velocity.restoreFrom(state, t);
    }

    @Override
    public void checkRestored(List<Param> params) {
        velocity.checkRestored(params);
    }

    static final class Factory implements OptimizerFactory {
        @Override
        public Optimizer create(Options options) {
            return new Momentum(Hyperparameters.decayRate(options, "momentum", 0.9),
                    options.getBoolean("nesterov", false));
        }

        @Override
        public String help() {
            return "gradient descent with momentum, v ← μv + g, θ ← θ − α·v; options momentum=0.9, nesterov=false";
        }
    }
}
