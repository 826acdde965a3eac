package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Layer;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.testkit.GradientCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DenseTest {

    @Test
    void backwardMatchesNumericalGradient() {
        Layer dense = Fixtures.layer("dense", 5, Map.of("units", "3", "bias_init", "uniform"), 1);
        GradientCheck.checkLayer(dense, GradientCheck.random(4, 5, 11), 1e-2);
    }

    /*
     * X = [1 2; 3 4], W = [1 -1; 0.5 2], b = [0.5 -1]
     * Z = X·Wᵀ + b:  row 0: [1 - 2 + 0.5, 0.5 + 4 - 1] = [-0.5, 3.5]
     *                row 1: [3 - 4 + 0.5, 1.5 + 8 - 1] = [-0.5, 8.5]
     * dZ = [1 0; -1 2]
     * dW = dZᵀ·X: [1·1 - 1·3, 1·2 - 1·4; 0·1 + 2·3, 0·2 + 2·4] = [-2 -2; 6 8]
     * db = column sums of dZ = [0 2]
     * dX = dZ·W:  row 0: [1·1 + 0·0.5, 1·(-1) + 0·2] = [1 -1]
     *             row 1: [-1·1 + 2·0.5, -1·(-1) + 2·2] = [0 5]
     */
    @Test
    void forwardAndBackwardMatchTheHandComputedTwoByTwoCase() {
        Dense dense = new Dense("d", Matrix.of(2, 2, 1, -1, 0.5f, 2), Matrix.of(1, 2, 0.5f, -1));
        Pass pass = Pass.training(Compute.serial(), new Rng(0));

        Matrix Z = dense.forward(Matrix.of(2, 2, 1, 2, 3, 4), pass);
        Matrix dX = dense.backward(Matrix.of(2, 2, 1, 0, -1, 2), pass);

        assertClose(Z, -0.5f, 3.5f, -0.5f, 8.5f);
        assertClose(dense.params().get(0).grad(), -2, -2, 6, 8);
        assertClose(dense.params().get(1).grad(), 0, 2);
        assertClose(dX, 1, -1, 0, 5);
    }

    @Test
    void backwardSkipsTheInputGradientWhenNobodyNeedsIt() {
        Dense dense = new Dense("d", Matrix.of(1, 2, 1, 2), Matrix.of(1, 1, 0));
        Pass pass = Pass.training(Compute.serial(), new Rng(0)).withInputGradient(false);
        dense.forward(Matrix.of(1, 2, 3, 4), pass);

        assertThat(dense.backward(Matrix.of(1, 1, 1), pass)).isNull();
        assertClose(dense.params().get(0).grad(), 3, 4);
    }

    @Test
    void paramsAreNamedAfterTheLayerAndOnlyWeightsDecay() {
        Layer dense = Fixtures.layer("dense", 4, Map.of("units", "3"), 1);

        assertThat(dense.params()).extracting(Param::name).containsExactly("t.W", "t.b");
        assertThat(dense.params()).extracting(Param::decays).containsExactly(true, false);
        assertThat(dense.params().get(0).value().shape()).isEqualTo("3x4");
        assertThat(dense.params().get(1).value().shape()).isEqualTo("1x3");
        assertThat(dense.outputSize()).isEqualTo(3);
    }

    @Test
    void weightsAreDrawnBeforeBiasesFromTheBuildGenerator() {
        Layer dense = Fixtures.layer("dense", 2, Map.of("units", "2", "init", "uniform(low=0, high=1)",
                "bias_init", "uniform(low=0, high=1)"), 99);

        Rng rng = new Rng(99);
        float[] expected = new float[6];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (float) rng.nextDouble();
        }
        assertThat(dense.params().get(0).value().data()).containsExactly(new float[] {expected[0], expected[1], expected[2], expected[3]}, within(1e-7f));
        assertThat(dense.params().get(1).value().data()).containsExactly(new float[] {expected[4], expected[5]}, within(1e-7f));
    }

    @Test
    void defaultBiasIsZero() {
        Layer dense = Fixtures.layer("dense", 3, Map.of("units", "4"), 5);

        assertThat(dense.params().get(1).value().data()).containsOnly(0f);
        assertThat(dense.params().get(0).value().squaredNorm()).isGreaterThan(0);
    }

    @Test
    void missingOrNonPositiveUnitsAreRejectedNamingTheOption() {
        assertThatThrownBy(() -> Fixtures.layer("dense", 3, Map.of(), 1))
                .isInstanceOf(SinapseException.class).hasMessageContaining("layer 't' (dense)").hasMessageContaining("'units'");
        assertThatThrownBy(() -> Fixtures.layer("dense", 3, Map.of("units", "0"), 1))
                .isInstanceOf(SinapseException.class).hasMessageContaining("'units' must be a positive integer, got 0");
    }

    @Test
    void misspelledOptionIsRejectedWithTheClosestKnownOne() {
        assertThatThrownBy(() -> Fixtures.layer("dense", 3, Map.of("units", "2", "bias_int", "zeros"), 1))
                .isInstanceOf(SinapseException.class).hasMessageContaining("unknown option 'bias_int'")
                .hasMessageContaining("did you mean 'bias_init'");
    }

    @Test
    void inputOfTheWrongWidthIsRejectedWithBothSizes() {
        Layer dense = Fixtures.layer("dense", 3, Map.of("units", "2"), 1);

        assertThatThrownBy(() -> dense.forward(new Matrix(2, 5), GradientCheck.pass()))
                .isInstanceOf(SinapseException.class)
                .hasMessage("layer 't' (dense): input has 5 features, expected 3");
    }

    static void assertClose(Matrix M, float... expected) {
        assertThat(M.data()).containsExactly(expected, within(1e-6f));
    }
}
