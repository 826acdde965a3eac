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

class MomentumTest {
    private static Optimizer momentum(Map<String, String> options) {
        return Fixtures.create(new Momentum.Factory(), "momentum", options);
    }

    @Test
    void classicalStepsAlongTheVelocityWithDefaultMomentum() {
        Optimizer optimizer = momentum(Map.of());
        Param a = param("a", true, 1f);
        Param b = param("b", false, -1f);
        List<Param> params = List.of(a, b);

        // μ = 0.9 (default), α = 0.1.
        // step 1: a: v = 0.9·0 + 1 = 1,  θ = 1 − 0.1·1 = 0.9;     b: v = −2, θ = −1 − 0.1·(−2) = −0.8
        grad(a, 1f);
        grad(b, -2f);
        optimizer.step(params, 0.1);
        assertThat(a.value().get(0, 0)).isCloseTo(0.9f, within(1e-6f));
        assertThat(b.value().get(0, 0)).isCloseTo(-0.8f, within(1e-6f));

        // step 2: a: v = 0.9·1 + 2 = 2.9,  θ = 0.9 − 0.1·2.9 = 0.61;   b: v = 0.9·(−2) + 0 = −1.8, θ = −0.8 + 0.18 = −0.62
        grad(a, 2f);
        grad(b, 0f);
        optimizer.step(params, 0.1);
        assertThat(a.value().get(0, 0)).isCloseTo(0.61f, within(1e-6f));
        assertThat(b.value().get(0, 0)).isCloseTo(-0.62f, within(1e-6f));
        assertThat(optimizer.state().tensors().get("velocity.0").get(0, 0)).isCloseTo(2.9f, within(1e-6f));
        assertThat(optimizer.state().tensors().get("velocity.1").get(0, 0)).isCloseTo(-1.8f, within(1e-6f));
    }

    @Test
    void nesterovStepsAlongGradientPlusMomentumTimesVelocity() {
        Optimizer optimizer = momentum(Map.of("momentum", "0.5", "nesterov", "true"));
        Param a = param("a", true, 1f);

        // μ = 0.5, α = 0.1.
        // step 1: v = 0.5·0 + 1 = 1;        θ = 1 − 0.1·(1 + 0.5·1) = 0.85
        grad(a, 1f);
        optimizer.step(List.of(a), 0.1);
        assertThat(a.value().get(0, 0)).isCloseTo(0.85f, within(1e-6f));

        // step 2: v = 0.5·1 + 2 = 2.5;      θ = 0.85 − 0.1·(2 + 0.5·2.5) = 0.85 − 0.325 = 0.525
        grad(a, 2f);
        optimizer.step(List.of(a), 0.1);
        assertThat(a.value().get(0, 0)).isCloseTo(0.525f, within(1e-6f));
    }

    @Test
    void classicalConvergesOnLeastSquares() {
        LeastSquares.assertAtMinimum(LeastSquares.minimize(momentum(Map.of()), 0.02, 1000), 1e-4);
    }

    @Test
    void nesterovConvergesOnLeastSquares() {
        LeastSquares.assertAtMinimum(LeastSquares.minimize(momentum(Map.of("nesterov", "true")), 0.02, 1000), 1e-4);
    }
}
