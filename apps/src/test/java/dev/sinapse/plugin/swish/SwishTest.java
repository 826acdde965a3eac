package dev.sinapse.plugin.swish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Options;
import dev.sinapse.api.SinapseException;
import dev.sinapse.layers.ActivationLayer;
import dev.sinapse.testkit.GradientCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SwishTest {

    @Test
    void isZTimesTheSigmoidOfBetaZ() {
        Swish silu = new Swish(1.0);

        // 1·σ(1) = 1/(1 + e^−1), −1·σ(−1) = −1/(1 + e)
        assertThat((double) silu.apply(1f)).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-7));
        assertThat((double) silu.apply(-1f)).isCloseTo(-1 / (1 + Math.E), within(1e-7));
        assertThat(silu.apply(0f)).isZero();
        // β = 0: σ(0) = 1/2, so the line z/2
        assertThat(new Swish(0).apply(3f)).isEqualTo(1.5f);
        // β = 2 at z = 0.5: 0.5·σ(1)
        assertThat((double) new Swish(2).apply(0.5f)).isCloseTo(0.5 / (1 + Math.exp(-1)), within(1e-7));
    }

    @Test
    void staysFiniteForLargeMagnitudes() {
        Swish s = new Swish(1.0);

        assertThat(s.apply(1000f)).isEqualTo(1000f);
        assertThat(s.apply(-1000f)).isCloseTo(0f, within(0f));
        assertThat(s.derivative(-1000f, s.apply(-1000f))).isCloseTo(0f, within(0f));
        assertThat(s.derivative(1000f, s.apply(1000f))).isEqualTo(1f);
    }

    @Test
    void derivativeAtZeroIsOneHalf() {
        // f'(0) = σ(0) + 0 = 1/2 for every β
        assertThat(new Swish(3).derivative(0f, 0f)).isEqualTo(0.5f);
    }

    @Test
    void backwardMatchesNumericalGradientWithANonDefaultBeta() {
        GradientCheck.checkLayer(new ActivationLayer("s", 5, new Swish(2.0)), GradientCheck.random(4, 5, 3), 1e-2);
    }

    @Test
    void negativeBetaIsRejectedNamingTheOption() {
        Options options = new Options("layer 'act' (swish)", Map.of("beta", "-1"));

        assertThatThrownBy(() -> new Swish.Factory().create(options))
                .isInstanceOf(SinapseException.class)
                .hasMessage("layer 'act' (swish): option 'beta' must be 0 or more, got -1.0");
    }
}
