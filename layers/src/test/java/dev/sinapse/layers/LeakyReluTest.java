package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;
import dev.sinapse.testkit.GradientCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeakyReluTest {

    @Test
    void backwardMatchesNumericalGradient() {
        Fixtures.checkActivationGradient("leaky_relu", Map.of("alpha", "0.1"));
    }

    @Test
    void alphaOptionSetsTheSlopeBelowZero() {
        ActivationLayer leaky = (ActivationLayer) Fixtures.layer("leaky_relu", 2, Map.of("alpha", "0.2"), 0);

        Matrix A = leaky.forward(Matrix.of(1, 2, -5, 3), GradientCheck.pass());

        assertThat(A.data()).containsExactly(new float[] {-1f, 3f}, within(1e-6f));
        assertThat(leaky.activation().derivative(-5, -1)).isCloseTo(0.2f, within(1e-7f));
    }

    @Test
    void defaultAlphaIsOneHundredth() {
        ActivationLayer leaky = (ActivationLayer) Fixtures.layer("leaky_relu", 1, Map.of(), 0);

        assertThat(leaky.activation().apply(-100f)).isCloseTo(-1f, within(1e-5f));
    }

    @Test
    void alphaOutsideZeroToOneIsRejected() {
        assertThatThrownBy(() -> Fixtures.layer("leaky_relu", 1, Map.of("alpha", "2"), 0))
                .isInstanceOf(SinapseException.class).hasMessageContaining("'alpha'");
    }
}
