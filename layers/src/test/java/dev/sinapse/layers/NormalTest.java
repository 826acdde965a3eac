package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.SinapseException;
import org.junit.jupiter.api.Test;

class NormalTest {

    @Test
    void meanAndStdAreTheOptions() {
        InitializerStats s = InitializerStats.of("normal(mean=3, std=2)", 200, 300, 1);

        // 60,000 draws: the sample mean's σ is 2/√60000 ≈ 0.008
        assertThat(s.mean()).isCloseTo(3, within(0.04));
        assertThat(s.std()).isCloseTo(2, within(0.03));
    }

    @Test
    void defaultsAreSmallAndCentred() {
        InitializerStats s = InitializerStats.of("normal", 200, 300, 1);

        assertThat(s.mean()).isCloseTo(0, within(0.001));
        assertThat(s.std()).isCloseTo(0.01, within(0.0002));
    }

    @Test
    void sameSeedGivesTheSameValuesAndAnotherSeedOthers() {
        InitializerStats.assertReproducible("normal");
    }

    @Test
    void negativeStdIsRejected() {
        assertThatThrownBy(() -> InitializerStats.initializer("normal(std=-1)"))
                .isInstanceOf(SinapseException.class).hasMessageContaining("'std'");
    }
}
