package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class XavierUniformTest {

    @Test
    void valuesFillPlusMinusRootSixOverFanSum() {
        InitializerStats s = InitializerStats.of("xavier", 200, 400, 4); // r = √(6/600) = 0.1

        s.assertSpans(-0.1, 0.1, 0.0001);
        assertThat(s.mean()).isCloseTo(0, within(0.001));
        // U[−r, r) has std r/√3
        assertThat(s.std()).isCloseTo(0.1 / Math.sqrt(3), within(0.001));
    }

    @Test
    void sameSeedGivesTheSameValuesAndAnotherSeedOthers() {
        InitializerStats.assertReproducible("xavier");
    }
}
