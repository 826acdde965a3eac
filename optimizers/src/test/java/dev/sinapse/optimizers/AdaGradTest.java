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

class AdaGradTest {
    @Test
    void twoStepsDivideByTheRootOfTheSumOfSquares() {
        Optimizer optimizer = Fixtures.create(new AdaGrad.Factory(), "adagrad", Map.of()); // ε 1e-10, G₀ = 0
        Param a = param("a", true, 1f);
        Param b = param("b", false, 0f);
        List<Param> params = List.of(a, b);

        // α = 0.1.
        // step 1: a: G = 9,      θ = 1 − 0.1·3/3 = 0.9          b: G = 1, θ = 0 − 0.1·(−1)/1 = 0.1
        grad(a, 3f);
        grad(b, -1f);
        optimizer.step(params, 0.1);
        assertThat(a.value().get(0, 0)).isCloseTo(0.9f, within(1e-6f));
        assertThat(b.value().get(0, 0)).isCloseTo(0.1f, within(1e-6f));

        // step 2: a: G = 9 + 16 = 25, θ = 0.9 − 0.1·4/5 = 0.82    b: G = 1 + 0 = 1, θ stays 0.1
        grad(a, 4f);
        grad(b, 0f);
        optimizer.step(params, 0.1);
        assertThat(a.value().get(0, 0)).isCloseTo(0.82f, within(1e-6f));
        assertThat(b.value().get(0, 0)).isCloseTo(0.1f, within(1e-6f));
        assertThat(optimizer.state().tensors().get("G.0").get(0, 0)).isEqualTo(25f);
    }

    @Test
    void initialAccumulatorStartsTheSum() {
        // G₀ = 16, g = 3: G = 25, θ = 1 − 0.1·3/5 = 0.94
        Optimizer optimizer = Fixtures.create(new AdaGrad.Factory(), "adagrad", Map.of("initial_accumulator", "16"));
        Param a = param("a", true, 1f);
        grad(a, 3f);
        optimizer.step(List.of(a), 0.1);
        assertThat(a.value().get(0, 0)).isCloseTo(0.94f, within(1e-6f));
    }

    @Test
    void convergesOnLeastSquares() {
        Optimizer optimizer = Fixtures.create(new AdaGrad.Factory(), "adagrad", Map.of());
        LeastSquares.assertAtMinimum(LeastSquares.minimize(optimizer, 0.5, 3000), 1e-3);
    }
}
