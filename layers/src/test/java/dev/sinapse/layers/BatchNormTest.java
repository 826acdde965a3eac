package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Layer;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.State;
import dev.sinapse.testkit.GradientCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchNormTest {

    @Test
    void backwardMatchesNumericalGradient() {
        Layer bn = Fixtures.layer("batch_norm", 5, Map.of(), 0);
        bn.params().get(0).value().setTo(GradientCheck.random(1, 5, 21)); // γ ≠ 1 so dγ and dX mix
        GradientCheck.checkLayer(bn, GradientCheck.random(6, 5, 6), 2e-2);
    }

    @Test
    void inferenceBackwardMatchesNumericalGradient() {
        BatchNorm bn = new BatchNorm("bn", 3, 0.9f, 1e-5f);
        bn.forward(GradientCheck.random(8, 3, 1), GradientCheck.pass()); // move the running statistics off 0 and 1
        Matrix X = GradientCheck.random(4, 3, 2);
        Matrix Y = bn.forward(X, Pass.inference(Compute.serial()));

        Matrix dX = bn.backward(ones(4, 3), Pass.inference(Compute.serial()));

        // inference is affine per feature, so a unit step in X[0,j] moves Y[0,j] by exactly dX[0,j]
        for (int j = 0; j < 3; j++) {
            Matrix X2 = X.copy();
            X2.set(0, j, X.get(0, j) + 1f);
            Matrix Y2 = bn.forward(X2, Pass.inference(Compute.serial()));
            assertThat(dX.get(0, j)).isNotEqualTo(1f).isCloseTo(Y2.get(0, j) - Y.get(0, j), within(1e-4f));
        }
    }

    @Test
    void trainingOutputHasZeroMeanAndUnitVariancePerFeature() {
        Layer bn = Fixtures.layer("batch_norm", 4, Map.of(), 0);
        Matrix X = GradientCheck.random(64, 4, 12);
        X.scaleInPlace(7f);
        X.addScaledInPlace(1f, CrossEntropyTest.filled(64, 4, 3f));

        Matrix Y = bn.forward(X, GradientCheck.pass());

        double[] mean = Fixtures.columnMeans(Y), var = Fixtures.columnVariances(Y);
        for (int j = 0; j < 4; j++) {
            assertThat(mean[j]).isCloseTo(0, within(1e-5));
            assertThat(var[j]).isCloseTo(1, within(1e-3));
        }
    }

    @Test
    void runningStatisticsMoveByMomentumTowardTheBatchStatistics() {
        Layer bn = Fixtures.layer("batch_norm", 3, Map.of("momentum", "0.8"), 0);
        Matrix X = GradientCheck.random(10, 3, 4);

        bn.forward(X, GradientCheck.pass());
        bn.forward(X, GradientCheck.pass());

        double[] mu = Fixtures.columnMeans(X), var = Fixtures.columnVariances(X);
        State s = bn.state();
        for (int j = 0; j < 3; j++) {
            // from (0, 1): after two steps 0.8²·start + (1 − 0.8²)·batch
            assertThat((double) s.tensor("running_mean", 1, 3).get(0, j)).isCloseTo(0.36 * mu[j], within(1e-6));
            assertThat((double) s.tensor("running_var", 1, 3).get(0, j)).isCloseTo(0.64 + 0.36 * var[j], within(1e-6));
        }
    }

    @Test
    void inferenceNormalizesWithTheRunningStatistics() {
        BatchNorm bn = new BatchNorm("bn", 2, 0.9f, 0f);
        bn.restore(new State().put("running_mean", Matrix.of(1, 2, 1, -2)).put("running_var", Matrix.of(1, 2, 4, 0.25f)));

        Matrix Y = bn.forward(Matrix.of(1, 2, 5, -1), Pass.inference(Compute.serial()));

        // (5 − 1)/2 = 2, (−1 + 2)/0.5 = 2
        assertThat(Y.data()).containsExactly(new float[] {2f, 2f}, within(1e-6f));
    }

    @Test
    void stateRestoresIntoAFreshLayer() {
        Layer trained = Fixtures.layer("batch_norm", 3, Map.of(), 0);
        trained.forward(GradientCheck.random(5, 3, 8), GradientCheck.pass());
        Layer fresh = Fixtures.layer("batch_norm", 3, Map.of(), 0);
        Matrix X = GradientCheck.random(2, 3, 9);

        fresh.restore(trained.state());

        assertThat(fresh.state().tensors()).isEqualTo(trained.state().tensors());
        assertThat(fresh.forward(X, Pass.inference(Compute.serial())))
                .isEqualTo(trained.forward(X, Pass.inference(Compute.serial())));
    }

    @Test
    void restoreRejectsStatisticsOfTheWrongShape() {
        Layer bn = Fixtures.layer("batch_norm", 3, Map.of(), 0);
        State wrong = new State().put("running_mean", new Matrix(1, 4)).put("running_var", new Matrix(1, 4));

        assertThatThrownBy(() -> bn.restore(wrong)).isInstanceOf(SinapseException.class)
                .hasMessageContaining("running_mean").hasMessageContaining("1x4").hasMessageContaining("1x3");
    }

    @Test
    void gammaStartsAtOneAndBetaAtZeroWithoutDecay() {
        Layer bn = Fixtures.layer("batch_norm", 3, Map.of(), 0);

        assertThat(bn.params()).extracting(Param::name).containsExactly("t.gamma", "t.beta");
        assertThat(bn.params()).extracting(Param::decays).containsOnly(false);
        assertThat(bn.params().get(0).value().data()).containsOnly(1f);
        assertThat(bn.params().get(1).value().data()).containsOnly(0f);
    }

    static Matrix ones(int rows, int cols) {
        return CrossEntropyTest.filled(rows, cols, 1f);
    }
}
