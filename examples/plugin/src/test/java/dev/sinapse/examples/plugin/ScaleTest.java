package dev.sinapse.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Matrix;
import dev.sinapse.testkit.GradientCheck;
import org.junit.jupiter.api.Test;

class ScaleTest {

    @Test
    void computesGammaTimesXPlusBetaPerFeature() {
        Scale s = new Scale("s", 2);
        s.params().get(0).value().setTo(Matrix.of(1, 2, 2f, -1f));     // γ
        s.params().get(1).value().setTo(Matrix.of(1, 2, 0.5f, 3f));    // β

        Matrix Y = s.forward(Matrix.of(2, 2, 1f, 2f, -3f, 0f), GradientCheck.pass());

        // row 1: 2·1 + 0.5, −1·2 + 3;  row 2: 2·(−3) + 0.5, −1·0 + 3
        assertThat(Y.data()).containsExactly(2.5f, 1f, -5.5f, 3f);
    }

    @Test
    void startsAsTheIdentity() {
        Matrix X = GradientCheck.random(3, 4, 1);

        assertThat(new Scale("s", 4).forward(X.copy(), GradientCheck.pass())).isEqualTo(X);
    }

    @Test
    void backwardMatchesNumericalGradientAwayFromTheIdentity() {
        Scale s = new Scale("s", 5);
        s.params().get(0).value().setTo(GradientCheck.random(1, 5, 2));
        s.params().get(1).value().setTo(GradientCheck.random(1, 5, 3));

        GradientCheck.checkLayer(s, GradientCheck.random(4, 5, 4), 1e-2);
    }
}
