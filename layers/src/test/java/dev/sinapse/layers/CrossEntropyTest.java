package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;
import dev.sinapse.testkit.GradientCheck;
import org.junit.jupiter.api.Test;

class CrossEntropyTest {
    private final CrossEntropy ce = new CrossEntropy();

    @Test
    void gradientMatchesNumericalGradient() {
        Matrix A = GradientCheck.random(4, 5, 9);
        A.scaleInPlace(0.35f);
        A.addScaledInPlace(1f, filled(4, 5, 0.65f)); // probabilities-like values in [0.3, 1]
        GradientCheck.checkLoss(ce, A, new int[] {0, 2, 4, 1}, 1e-2);
    }

    @Test
    void closedFormThroughSoftmaxMatchesNumericalGradient() {
        GradientCheck.checkThroughSoftmax(ce, new Softmax("s", 5), GradientCheck.random(4, 5, 9), new int[] {0, 2, 4, 1}, 1e-2);
    }

    @Test
    void valueIsTheMeanNegativeLogOfTheLabelProbability() {
        Matrix A = Matrix.of(2, 2, 0.25f, 0.75f, 0.5f, 0.5f);

        // −(log 0.75 + log 0.5)/2
        assertThat(ce.value(A, new int[] {1, 0})).isCloseTo(-(Math.log(0.75) + Math.log(0.5)) / 2, within(1e-7));
        // −1/(m·A[y]) at the label: −1/(2·0.75), −1/(2·0.5)
        assertThat(ce.gradient(A, new int[] {1, 0}).data()).containsExactly(new float[] {0, -2f / 3, -1, 0}, within(1e-6f));
        // (A − Y)/m
        assertThat(ce.gradientThroughSoftmax(A, new int[] {1, 0}).orElseThrow().data())
                .containsExactly(new float[] {0.125f, -0.125f, -0.25f, 0.25f}, within(1e-7f));
    }

    @Test
    void staysFiniteWhenTheLabelProbabilityUnderflowsToZero() {
        Matrix A = new Softmax("s", 2).forward(Matrix.of(1, 2, 1000, -1000), GradientCheck.pass());
        assertThat(A.get(0, 1)).isZero();

        assertThat(ce.value(A, new int[] {1})).isFinite().isGreaterThan(50);
        assertThat(ce.gradientThroughSoftmax(A, new int[] {1}).orElseThrow().data()).containsExactly(1f, -1f);
        assertThat(ce.gradient(A, new int[] {1}).allFinite()).isTrue();
    }

    @Test
    void labelOutsideTheOutputsIsRejectedNamingTheLabelAndTheOutputCount() {
        assertThatThrownBy(() -> ce.value(new Matrix(2, 10), new int[] {3, 10}))
                .isInstanceOf(SinapseException.class)
                .hasMessageContaining("label 10").hasMessageContaining("10 outputs");
        assertThatThrownBy(() -> ce.gradientThroughSoftmax(new Matrix(1, 10), new int[] {-1}))
                .isInstanceOf(SinapseException.class).hasMessageContaining("label -1");
    }

    static Matrix filled(int rows, int cols, float v) {
        Matrix M = new Matrix(rows, cols);
        M.fill(v);
        return M;
    }
}
