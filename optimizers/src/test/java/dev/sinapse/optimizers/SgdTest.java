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

class SgdTest {
    private final Optimizer sgd = Fixtures.create(new Sgd.Factory(), "sgd", Map.of());

    @Test
    void twoStepsSubtractRateTimesGradient() {
        Param w = param("w", true, 1f, -2f);
        Param b = param("b", false, 0.5f);
        List<Param> params = List.of(w, b);

        // step 1, α = 0.1: w = [1 − 0.1·0.5, −2 − 0.1·(−1)] = [0.95, −1.9];  b = 0.5 − 0.1·3 = 0.2
        grad(w, 0.5f, -1f);
        grad(b, 3f);
        sgd.step(params, 0.1);
        assertThat(w.value().get(0, 0)).isCloseTo(0.95f, within(1e-6f));
        assertThat(w.value().get(0, 1)).isCloseTo(-1.9f, within(1e-6f));
        assertThat(b.value().get(0, 0)).isCloseTo(0.2f, within(1e-6f));

        // step 2, α = 0.5: w = [0.95 − 0.5·2, −1.9 − 0.5·0] = [−0.05, −1.9];  b = 0.2 − 0.5·(−0.4) = 0.4
        grad(w, 2f, 0f);
        grad(b, -0.4f);
        sgd.step(params, 0.5);
        assertThat(w.value().get(0, 0)).isCloseTo(-0.05f, within(1e-6f));
        assertThat(w.value().get(0, 1)).isCloseTo(-1.9f, within(1e-6f));
        assertThat(b.value().get(0, 0)).isCloseTo(0.4f, within(1e-6f));
        assertThat(sgd.state().getLong("t")).isEqualTo(2);
    }

    @Test
    void convergesOnLeastSquares() {
        // α = 0.1 < 2/13.1, so every eigen-direction contracts by at least |1 − 0.1·1.9| ≈ 0.81 per step.
        LeastSquares.assertAtMinimum(LeastSquares.minimize(sgd, 0.1, 200), 1e-5);
    }
}
