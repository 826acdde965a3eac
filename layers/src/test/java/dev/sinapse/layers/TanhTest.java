package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TanhTest {

    @Test
    void backwardMatchesNumericalGradient() {
        Fixtures.checkActivationGradient("tanh", Map.of());
    }

    @Test
    void isOddAndSaturatesAtPlusMinusOne() {
        Tanh tanh = new Tanh();

        assertThat(tanh.apply(-0.5f)).isEqualTo(-tanh.apply(0.5f));
        assertThat(tanh.apply(50f)).isEqualTo(1f);
        // tanh(1) = (e² − 1)/(e² + 1)
        assertThat((double) tanh.apply(1f)).isCloseTo((Math.exp(2) - 1) / (Math.exp(2) + 1), within(1e-7));
        assertThat(tanh.derivative(0f, 0f)).isEqualTo(1f);
    }
}
