package dev.sinapse.optimizers;

import static dev.sinapse.optimizers.Fixtures.grad;
import static dev.sinapse.optimizers.Fixtures.param;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Optimizer;
import dev.sinapse.api.Param;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {
    private static Optimizer adamw(String weightDecay) {
        return Fixtures.create(new AdamW.Factory(), "adamw", Map.of("weight_decay", weightDecay));
    }

    @Test
    void twoStepsDecayOnlyTheDecayingParameter() {
        Optimizer optimizer = adamw("0.1");
        Param w = param("w", true, 1f);   // decays
        Param b = param("b", false, 1f);  // does not
        List<Param> params = List.of(w, b);

        // t = 1, α = 0.1, λ = 0.1, g = 0.5 for both. Adam's part as in AdamTest: m̂/(√v̂ + ε) = 0.5/0.5 = 1.
        //   w = 1 − 0.1·(1 + 0.1·1) = 0.89        b = 1 − 0.1·1 = 0.9
        grad(w, 0.5f);
        grad(b, 0.5f);
        optimizer.step(params, 0.1);
        assertThat(w.value().get(0, 0)).isCloseTo(0.89f, within(1e-6f));
        assertThat(b.value().get(0, 0)).isCloseTo(0.9f, within(1e-6f));

        // t = 2, g = −1: Adam's part as in AdamTest: m̂/(√v̂ + ε) = −0.2894737/0.7906881 = −0.3661035
        //   w = 0.89 − 0.1·(−0.3661035 + 0.1·0.89) = 0.89 + 0.0277104 = 0.9177104
        //   b = 0.9 + 0.0366104 = 0.9366104
        grad(w, -1f);
        grad(b, -1f);
        optimizer.step(params, 0.1);
        assertThat(w.value().get(0, 0)).isCloseTo(0.9177104f, within(1e-6f));
        assertThat(b.value().get(0, 0)).isCloseTo(0.9366104f, within(1e-6f));
    }

    @Test
    void withZeroGradientTheDecayIsGeometricAndNotRescaledByTheMoments() {
        // g = 0 keeps m = v = 0, so Adam's step is 0 and only the decoupled decay acts:
        // θ_t = θ_0·(1 − αλ)^t = 2·(1 − 0.1·0.01)^10 = 2·0.999^10 = 1.98009;  the bias stays at 2.
        Optimizer optimizer = adamw("0.01");
        Param w = param("w", true, 2f);
        Param b = param("b", false, 2f);
        for (int t = 0; t < 10; t++) {
            optimizer.step(List.of(w, b), 0.1);
        }
        assertThat(w.value().get(0, 0)).isCloseTo((float) (2 * Math.pow(0.999, 10)), within(1e-6f));
        assertThat(b.value().get(0, 0)).isEqualTo(2f);
    }

    @Test
    void defaultWeightDecayIsOneHundredth() {
        Optimizer optimizer = Fixtures.create(new AdamW.Factory(), "adamw", Map.of());
        Param w = param("w", true, 1f);
        optimizer.step(List.of(w), 1.0);
        // θ = 1 − 1·(0 + 0.01·1) = 0.99
        assertThat(w.value().get(0, 0)).isCloseTo(0.99f, within(1e-7f));
    }

    @Test
    void withoutDecayConvergesOnLeastSquares() {
        // Decay moves the fixed point away from θ*, so the convergence check runs with λ = 0.
        LeastSquares.assertAtMinimum(LeastSquares.minimize(adamw("0"), 0.01, 3000), 1e-3);
    }
}
