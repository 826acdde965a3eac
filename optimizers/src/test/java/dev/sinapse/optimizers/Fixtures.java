package dev.sinapse.optimizers;

import dev.sinapse.api.Matrix;
import dev.sinapse.api.Optimizer;
import dev.sinapse.api.OptimizerFactory;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import java.util.Map;

/** Small builders shared by the optimizer tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** A 1 × n parameter holding {@code values}. */
    static Param param(String name, boolean decays, float... values) {
        return new Param(name, Matrix.of(1, values.length, values), decays);
    }

    /** Writes {@code g} into the parameter's gradient. */
    static void grad(Param p, float... g) {
        p.grad().setTo(Matrix.of(1, g.length, g));
    }

    /** Builds through the factory, as a config would, and checks that every given option was read. */
    static Optimizer create(OptimizerFactory factory, String key, Map<String, String> options) {
        Options o = new Options("optimizer '" + key + "'", options);
        Optimizer optimizer = factory.create(o);
        o.requireAllUsed();
        return optimizer;
    }
}
