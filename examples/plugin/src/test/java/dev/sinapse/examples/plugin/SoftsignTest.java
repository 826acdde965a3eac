package dev.sinapse.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.testkit.GradientCheck;
import org.junit.jupiter.api.Test;

class SoftsignTest {
    private final Softsign f = new Softsign();

    @Test
    void squashesIntoMinusOneToOne() {
        assertThat(f.apply(1f)).isEqualTo(0.5f);       // 1 / (1 + 1)
        assertThat(f.apply(-3f)).isEqualTo(-0.75f);    // −3 / (1 + 3)
        assertThat(f.apply(0f)).isZero();
        assertThat(f.apply(1e30f)).isEqualTo(1f);
    }

    @Test
    void derivativeIsOneOverOnePlusAbsZSquared() {
        assertThat(f.derivative(0f, 0f)).isEqualTo(1f);
        assertThat(f.derivative(-1f, -0.5f)).isEqualTo(0.25f);   // 1 / 2²
        assertThat(f.derivative(3f, 0.75f)).isEqualTo(0.0625f);  // 1 / 4²
    }

    @Test
    void derivativeMatchesNumericalGradient() {
        GradientCheck.checkActivation(f, GradientCheck.random(4, 5, 5), 1e-2);
    }
}
