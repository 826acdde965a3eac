package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class XavierUniformTest {

    @Test
    void valuesFillPlusMinusRootSixOverFanSum() {
        InitializerStats s = InitializerStats.of("xavier", 200, 400, 4); // r = √(6/600) = 0.1

        assertThat(s.min()).isGreaterThanOrEqualTo(-0.1).isLessThan(-0.0999);
        assertThat(s.max()).isLessThanOrEqualTo(0.1).isGreaterThan(0.0999);
        assertThat(s.mean()).isCloseTo(0, within(0.001));
        // U[−r, r) has std r/√3
        assertThat(s.std()).isCloseTo(0.1 / Math.sqrt(3), within(0.001));
    }

    @Test
    void sameSeedGivesTheSameValues() {
        assertThat(InitializerStats.of("xavier", 10, 10, 5).W()).isEqualTo(InitializerStats.of("xavier", 10, 10, 5).W());
    }
}
