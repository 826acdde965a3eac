package dev.sinapse.plugin.prelu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Matrix;
import dev.sinapse.testkit.GradientCheck;
import org.junit.jupiter.api.Test;

class PReluTest {

    @Test
    void keepsPositiveInputsAndScalesTheOthersByTheirFeaturesSlope() {
        PRelu p = new PRelu("p", 2, 0.25f);
        p.params().get(0).value().set(0, 1, 0.5f);

        Matrix A = p.forward(Matrix.of(2, 2, 2, -2, -4, 3), GradientCheck.pass());

        // row 0: 2 stays, −2·0.5; row 1: −4·0.25, 3 stays
        assertThat(A.data()).containsExactly(new float[] {2f, -1f, -1f, 3f}, within(0f));
    }

    @Test
    void slopeGradientSumsUpstreamTimesInputOverTheNonPositiveInputs() {
        PRelu p = new PRelu("p", 2, 0.25f);
        p.forward(Matrix.of(3, 2, 2, -2, -4, 3, -1, -1), GradientCheck.pass());

        Matrix dX = p.backward(Matrix.of(3, 2, 1, 1, 1, 1, 2, 3), GradientCheck.pass());

        // dα0 = 1·(−4) + 2·(−1) = −6;  dα1 = 1·(−2) + 3·(−1) = −5
        assertThat(p.params().get(0).grad().data()).containsExactly(new float[] {-6f, -5f}, within(0f));
        assertThat(dX.data()).containsExactly(new float[] {1f, 0.25f, 0.25f, 1f, 0.5f, 0.75f}, within(0f));
    }

    @Test
    void backwardMatchesNumericalGradient() {
        PRelu p = new PRelu("p", 5, 0.3f);
        p.params().get(0).value().setTo(GradientCheck.random(1, 5, 17));
        GradientCheck.checkLayer(p, GradientCheck.random(4, 5, 8), 1e-2);
    }
}
