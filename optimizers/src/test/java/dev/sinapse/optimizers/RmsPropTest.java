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

class RmsPropTest {
    @Test
    void twoStepsDivideByTheRunningRootMeanSquare() {
        Optimizer optimizer = Fixtures.create(new RmsProp.Factory(), "rmsprop", Map.of()); // ρ 0.9, ε 1e-8
        Param a = param("a", true, 1f, 5f);
        List<Param> params = List.of(a);

        // α = 0.01. Element 0: g = 1 then −2.  Element 1: g = 0 then 0 (s stays 0, θ stays 5).
        // step 1: s = 0.1·1 = 0.1,             θ = 1 − 0.01·1/√0.1 = 1 − 0.0316228 = 0.9683772
        grad(a, 1f, 0f);
        optimizer.step(params, 0.01);
        assertThat(a.value().get(0, 0)).isCloseTo(0.9683772f, within(1e-6f));
        assertThat(a.value().get(0, 1)).isEqualTo(5f);

        // step 2: s = 0.9·0.1 + 0.1·4 = 0.49,  θ = 0.9683772 − 0.01·(−2)/0.7 = 0.9683772 + 0.0285714 = 0.9969486
        grad(a, -2f, 0f);
        optimizer.step(params, 0.01);
        assertThat(a.value().get(0, 0)).isCloseTo(0.9969486f, within(1e-6f));
        assertThat(a.value().get(0, 1)).isEqualTo(5f);
        assertThat(optimizer.state().tensors().get("s.0").get(0, 0)).isCloseTo(0.49f, within(1e-7f));
    }

    @Test
    void rhoOptionSetsTheAveraging() {
        // ρ = 0.5, α = 1, g = 2: s = 0.5·4 = 2, θ = 0 − 2/√2 = −√2
        Optimizer optimizer = Fixtures.create(new RmsProp.Factory(), "rmsprop", Map.of("rho", "0.5", "epsilon", "1e-12"));
        Param a = param("a", true, 0f);
        grad(a, 2f);
        optimizer.step(List.of(a), 1.0);
        assertThat(a.value().get(0, 0)).isCloseTo((float) -Math.sqrt(2), within(1e-6f));
    }

    @Test
    void convergesOnLeastSquaresWhenTheRateIsAnnealed() {
        // Near θ* both g and √s shrink together, so at a constant rate RMSProp keeps stepping about α and
        // circles θ* at a distance of order α; the cosine schedule takes α to 0, and θ settles.
        Optimizer optimizer = Fixtures.create(new RmsProp.Factory(), "rmsprop", Map.of());
        LeastSquares.assertAtMinimum(LeastSquares.minimize(optimizer, new CosineSchedule(3000, 0), 0.01, 3000), 1e-4);
    }
}
