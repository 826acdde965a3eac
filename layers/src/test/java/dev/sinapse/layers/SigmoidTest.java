package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SigmoidTest {

    @Test
    void backwardMatchesNumericalGradient() {
        Fixtures.checkActivationGradient("sigmoid", Map.of());
    }

    @Test
    void staysFiniteAndSaturatesForLargeMagnitudes() {
        Sigmoid sigmoid = new Sigmoid();

        assertThat(sigmoid.apply(-1000f)).isEqualTo(0f);
        assertThat(sigmoid.apply(1000f)).isEqualTo(1f);
        assertThat(sigmoid.apply(0f)).isEqualTo(0.5f);
        // σ(−2) = 1/(1 + e²)
        assertThat((double) sigmoid.apply(-2f)).isCloseTo(1 / (1 + Math.exp(2)), within(1e-7));
        assertThat(sigmoid.derivative(0f, 0.5f)).isEqualTo(0.25f);
    }
}
