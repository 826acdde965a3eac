package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Layer;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.SoftmaxOutput;
import dev.sinapse.testkit.GradientCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SoftmaxTest {

    @Test
    void backwardMatchesNumericalGradient() {
        Layer softmax = Fixtures.layer("softmax", 5, Map.of(), 0);
        GradientCheck.checkLayer(softmax, GradientCheck.random(4, 5, 3), 1e-2);
    }

    @Test
    void rowsSumToOneAndStayFiniteForHugeLogits() {
        Layer softmax = new Softmax("s", 3);
        Matrix Z = Matrix.of(3, 3, 1000, -1000, 0, -1000, -1000, -1000, 1, 2, 3);

        Matrix A = softmax.forward(Z, GradientCheck.pass());

        assertThat(A.allFinite()).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(A.get(i, 0) + A.get(i, 1) + A.get(i, 2)).isCloseTo(1f, within(1e-6f));
        }
        assertThat(A.get(0, 0)).isCloseTo(1f, within(1e-6f));
        assertThat(A.get(1, 1)).isCloseTo(1f / 3, within(1e-6f));
        // e^1 / (e^1 + e^2 + e^3) = 1 / (1 + e + e²)
        assertThat((double) A.get(2, 0)).isCloseTo(1 / (1 + Math.E + Math.E * Math.E), within(1e-6));
    }

    @Test
    void isMarkedAsASoftmaxOutputSoLossesCanSkipIt() {
        assertThat(Fixtures.layer("softmax", 4, Map.of(), 0)).isInstanceOf(SoftmaxOutput.class);
    }
}
