package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;
import dev.sinapse.testkit.GradientCheck;
import org.junit.jupiter.api.Test;

class MeanSquaredErrorTest {
    private final MeanSquaredError mse = new MeanSquaredError();

    @Test
    void gradientMatchesNumericalGradient() {
        GradientCheck.checkLoss(mse, GradientCheck.random(4, 5, 13), new int[] {4, 0, 1, 3}, 1e-2);
    }

    @Test
    void valueAndGradientAreMeansOverAllElements() {
        Matrix A = Matrix.of(2, 2, 0.5f, 0.5f, 1f, 0f);

        // Y = [0 1; 1 0]: squared errors 0.25, 0.25, 0, 0 over m·n = 4
        assertThat(mse.value(A, new int[] {1, 0})).isCloseTo(0.125, within(1e-9));
        // 2(A − Y)/4
        assertThat(mse.gradient(A, new int[] {1, 0}).data()).containsExactly(new float[] {0.25f, -0.25f, 0, 0}, within(1e-7f));
    }

    @Test
    void hasNoClosedFormThroughSoftmax() {
        assertThat(mse.gradientThroughSoftmax(new Matrix(1, 2), new int[] {0})).isEmpty();
    }

    @Test
    void labelOutsideTheOutputsIsRejected() {
        assertThatThrownBy(() -> mse.gradient(new Matrix(1, 3), new int[] {3}))
                .isInstanceOf(SinapseException.class).hasMessageContaining("label 3").hasMessageContaining("3 outputs");
    }
}
