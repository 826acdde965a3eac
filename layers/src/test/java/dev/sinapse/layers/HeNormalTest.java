package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HeNormalTest {

    @Test
    void stdIsRootTwoOverFanIn() {
        InitializerStats s = InitializerStats.of("he", 100, 800, 3); // fanIn = 800: std = √(2/800) = 0.05

        assertThat(s.mean()).isCloseTo(0, within(0.001));
        assertThat(s.std()).isCloseTo(0.05, within(0.001));
    }

    @Test
    void sameSeedGivesTheSameValuesAndAnotherSeedOthers() {
        InitializerStats.assertReproducible("he");
    }
}
