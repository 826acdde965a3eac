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

        assertThat(s.min()).isGreaterThanOrEqualTo(-0.5).isLessThan(-0.499);
        assertThat(s.max()).isLessThanOrEqualTo(0.5).isGreaterThan(0.499);
        assertThat(s.mean()).isCloseTo(0, within(0.005));
        // U[a, b) has std (b − a)/√12
        assertThat(s.std()).isCloseTo(1 / Math.sqrt(12), within(0.003));
    }

    @Test
    void lowAndHighSetTheRange() {
        InitializerStats s = InitializerStats.of("uniform(low=2, high=3)", 100, 100, 2);

        assertThat(s.min()).isGreaterThanOrEqualTo(2).isLessThan(2.01);
        assertThat(s.max()).isLessThanOrEqualTo(3).isGreaterThan(2.99);
    }

    @Test
    void sameSeedGivesTheSameValues() {
        assertThat(InitializerStats.of("uniform", 10, 10, 5).W()).isEqualTo(InitializerStats.of("uniform", 10, 10, 5).W());
        assertThat(InitializerStats.of("uniform", 10, 10, 5).W()).isNotEqualTo(InitializerStats.of("uniform", 10, 10, 6).W());
    }

    @Test
    void highBelowLowIsRejected() {
        assertThatThrownBy(() -> InitializerStats.initializer("uniform(low=1, high=0)"))
                .isInstanceOf(SinapseException.class).hasMessageContaining("'high' must be at least low");
    }
}
