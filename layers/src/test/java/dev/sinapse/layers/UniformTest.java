package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.SinapseException;
import org.junit.jupiter.api.Test;

class UniformTest {

    @Test
    void defaultsAreTheTutorialsRandMinusHalf() {
        InitializerStats s = InitializerStats.of("uniform", 200, 300, 1);

        s.assertSpans(-0.5, 0.5, 0.001);
        assertThat(s.mean()).isCloseTo(0, within(0.005));
        // U[a, b) has std (b − a)/√12
        assertThat(s.std()).isCloseTo(1 / Math.sqrt(12), within(0.003));
    }

    @Test
    void lowAndHighSetTheRange() {
        InitializerStats s = InitializerStats.of("uniform(low=2, high=3)", 100, 100, 2);

        s.assertSpans(2, 3, 0.01);
    }

    @Test
    void sameSeedGivesTheSameValuesAndAnotherSeedOthers() {
        InitializerStats.assertReproducible("uniform");
    }

    @Test
    void highBelowLowIsRejected() {
        assertThatThrownBy(() -> InitializerStats.initializer("uniform(low=1, high=0)"))
                .isInstanceOf(SinapseException.class).hasMessageContaining("'high' must be at least low");
    }
}
