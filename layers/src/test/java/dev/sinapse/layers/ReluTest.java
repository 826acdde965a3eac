package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Matrix;
import dev.sinapse.testkit.GradientCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReluTest {

    @Test
    void backwardMatchesNumericalGradient() {
        Fixtures.checkActivationGradient("relu", Map.of());
    }

    @Test
    void derivativeAtExactlyZeroIsZero() {
        ActivationLayer relu = new ActivationLayer("r", 3, new Relu());
        relu.forward(Matrix.of(1, 3, -1, 0, 2), GradientCheck.pass());

        Matrix dZ = relu.backward(Matrix.of(1, 3, 5, 5, 5), GradientCheck.pass());

        assertThat(new Relu().derivative(0f, 0f)).isZero();
        assertThat(dZ.data()).containsExactly(0f, 0f, 5f);
    }

    @Test
    void clipsNegativesToZero() {
        Relu relu = new Relu();
        assertThat(new float[] {relu.apply(-3), relu.apply(0), relu.apply(2.5f)}).containsExactly(0f, 0f, 2.5f);
    }
}
