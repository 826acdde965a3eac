package dev.sinapse.layers;

import dev.sinapse.api.Compute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Layer;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.testkit.GradientCheck;
import dev.sinapse.testkit.TwoThreads;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DropoutTest {

    @Test
    void backwardMatchesNumericalGradient() {
        Layer dropout = Fixtures.layer("dropout", 5, Map.of("rate", "0.4"), 0);
        GradientCheck.checkLayer(dropout, GradientCheck.random(4, 5, 2), 1e-2);
    }

    @Test
    void inferenceIsTheIdentity() {
        Layer dropout = new Dropout("d", 5, 0.5f);
        Matrix X = GradientCheck.random(3, 5, 1);

        Matrix A = dropout.forward(X.copy(), Pass.inference(Compute.serial()));

        assertThat(A).isEqualTo(X);
        assertThat(dropout.backward(X.copy(), Pass.inference(Compute.serial()))).isEqualTo(X);
    }

    @Test
    void trainingKeepsAboutOneMinusRateOfUnitsScaledByItsInverse() {
        float rate = 0.3f;
        Layer dropout = new Dropout("d", 100, rate);
        Matrix ones = new Matrix(100, 100);
        ones.fill(1f);

        Matrix A = dropout.forward(ones, Pass.training(Compute.serial(), new Rng(17)));

        int kept = 0;
        for (float a : A.data()) {
            if (a != 0f) {
                kept++;
                assertThat(a).isCloseTo(1f / (1f - rate), within(1e-6f));
            }
        }
        // binomial(10000, 0.7): mean 7000, σ ≈ 46; allow 4σ
        assertThat(kept).isBetween(7000 - 184, 7000 + 184);
    }

    @Test
    void backwardPassesGradientOnlyThroughKeptUnitsWithTheSameScale() {
        Layer dropout = new Dropout("d", 50, 0.5f);
        Matrix ones = new Matrix(4, 50);
        ones.fill(1f);
        Pass pass = Pass.training(Compute.serial(), new Rng(3));

        Matrix A = dropout.forward(ones, pass);
        Matrix dX = dropout.backward(ones, pass);

        assertThat(dX).isEqualTo(A);
    }

    @Test
    void sameGeneratorStateGivesTheSameMask() {
        Layer dropout = new Dropout("d", 20, 0.5f);
        Matrix X = GradientCheck.random(5, 20, 4);

        Matrix first = dropout.forward(X, Pass.training(Compute.serial(), new Rng(8)));
        Matrix again = dropout.forward(X, Pass.training(Compute.serial(), new Rng(8)));
        Matrix other = dropout.forward(X, Pass.training(Compute.serial(), new Rng(9)));

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void theIntegerThresholdDropsExactlyTheDrawsUnderTheRate() {
        Rng pick = new Rng(11);
        for (int r = 0; r < 2_000; r++) {
            // below 0.5 most floats are finer than 2⁻²⁴, so their threshold is not a whole number of draws
            float rate = r < 6 ? new float[] {0f, 0.25f, 0.2f, 0x1.0p-24f, 1e-7f, Math.nextDown(1f)}[r]
                    : pick.nextFloat() * (float) Math.pow(2, -(r % 20));
            int below = Dropout.dropBelow(rate);
            for (int u = Math.max(0, below - 3); u <= Math.min((1 << 24) - 1, below + 3); u++) {
                assertThat(u < below).as("rate %s, draw %d", rate, u).isEqualTo(u * 0x1.0p-24f < rate);
            }
        }
    }

    @Test
    void aMaskDrawnInSlicesOnTwoThreadsIsTheMaskDrawnOneByOne() {
        // 64 × 300 values: five slices, taken by two threads from the last one down; rates whose threshold on the
        // 24-bit draw is and is not a whole number, and the extremes
        for (float rate : new float[] {0.25f, 0.2f, 0.3f, Math.nextDown(0.5f), 1e-7f, 0f, 0.9999f}) {
            Matrix X = GradientCheck.random(64, 300, 6);
            Rng two = new Rng(5);
            Matrix A = new Dropout("d", 300, rate).forward(X, Pass.training(new TwoThreads(), two));

            Rng one = new Rng(5);
            float keep = 1f / (1f - rate);
            float[] x = X.data();
            for (int i = 0; i < x.length; i++) {
                float m = one.nextFloat() < rate ? 0f : keep;
                assertThat(A.data()[i]).as("rate %s, value %d", rate, i).isEqualTo(x[i] * m);
            }
            // and the generator has moved past every draw, as drawing them one by one does
            assertThat(two.state()).isEqualTo(one.state());
        }
    }

    @Test
    void rateOfOneOrMoreIsRejected() {
        assertThatThrownBy(() -> Fixtures.layer("dropout", 3, Map.of("rate", "1"), 0))
                .isInstanceOf(SinapseException.class).hasMessageContaining("'rate' must be in [0, 1)");
    }
}
