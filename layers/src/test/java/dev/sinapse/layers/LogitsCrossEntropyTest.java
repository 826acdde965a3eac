package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Compute;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.SoftmaxOutput;
import dev.sinapse.testkit.GradientCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cross_entropy on a network that ends in raw scores: softmax folded into the loss, as PyTorch's CrossEntropyLoss. */
class LogitsCrossEntropyTest {
    private final CrossEntropy ce = new CrossEntropy();
    private final LogitsCrossEntropy logits = new LogitsCrossEntropy(ce);

    @Test
    void gradientMatchesNumericalGradient() {
        GradientCheck.checkLoss(logits, GradientCheck.random(4, 5, 9), new int[] {0, 2, 4, 1}, 1e-2);
    }

    @Test
    void valueIsCrossEntropyOfTheSoftmaxOfTheScores() {
        Matrix Z = GradientCheck.random(4, 5, 11);
        int[] y = {3, 0, 4, 2};
        assertThat(logits.value(Z, y)).isCloseTo(ce.value(SoftmaxOutput.softmax(Z), y), within(1e-6));
        // log(e⁰ + e¹) − 0 for label 0 of the row (0, 1)
        assertThat(logits.value(Matrix.of(1, 2, 0, 1), new int[] {0})).isCloseTo(Math.log(1 + Math.E), within(1e-6));
    }

    @Test
    void staysExactWhereTheProbabilityUnderflows() {
        // softmax gives the label probability 0 in float; the log-sum-exp still gives the true loss, 2000
        Matrix Z = Matrix.of(1, 2, 1000, -1000);
        assertThat(logits.value(Z, new int[] {1})).isCloseTo(2000, within(1e-9));
        assertThat(logits.gradient(Z, new int[] {1}).data()).containsExactly(1f, -1f);
    }

    @Test
    void crossEntropyReadsSoftmaxAsProbabilitiesAndADenseLayerAsScores() {
        assertThat(ce.forOutputOf(article(true))).isSameAs(ce);
        assertThat(ce.forOutputOf(article(false))).isInstanceOf(LogitsCrossEntropy.class);
    }

    @Test
    void anActivationLastIsRefusedSayingWhatToChange() {
        Network reluLast = Fixtures.network(6, List.of(
                new LayerSpec("dense", "output", Map.of("units", "3")),
                new LayerSpec("relu", "last", Map.of())), 1);
        assertThatThrownBy(() -> ce.forOutputOf(reluLast)).isInstanceOf(SinapseException.class)
                .hasMessage("network: cross_entropy cannot read the output of the last layer 'last', an activation: its"
                        + " values are neither probabilities nor free scores; end the network with a dense layer (scores,"
                        + " softmax folded into the loss) or with a softmax layer");
        // mse compares any output with the one-hot labels as it is
        Loss mse = new MeanSquaredError();
        assertThat(mse.forOutputOf(reluLast)).isSameAs(mse);
    }

    @Test
    void aNetworkTrainsBitForBitAlikeWithOrWithoutItsSoftmaxLayer() {
        Network withSoftmax = article(true), scores = article(false);
        Loss loss = Fixtures.registries().losses().get("cross_entropy", "test").create(Options.empty("loss"));
        Loss onProbabilities = loss.forOutputOf(withSoftmax), onScores = loss.forOutputOf(scores);
        Rng data = new Rng(2);
        Matrix X = new Matrix(30, 12);
        for (int i = 0; i < X.size(); i++) {
            X.data()[i] = data.nextFloat();
        }
        int[] y = new int[30];
        for (int i = 0; i < y.length; i++) {
            y[i] = X.argmaxRow(i) % 4;
        }
        Pass pass = Pass.training(Compute.serial(), new Rng(3));
        double first = 0, last = 0;
        for (int step = 0; step < 50; step++) {
            double a = withSoftmax.forwardBackward(X, y, onProbabilities, pass).loss();
            double b = scores.forwardBackward(X, y, onScores, pass).loss();
            assertThat(b).isCloseTo(a, within(1e-5));
            first = step == 0 ? b : first;
            last = b;
            for (Network n : List.of(withSoftmax, scores)) {
                for (Param p : n.params()) {
                    p.value().addScaledInPlace(-0.5f, p.grad());
                }
            }
            assertThat(values(scores)).as("parameters after step %d", step + 1).isEqualTo(values(withSoftmax));
        }
        assertThat(last).as("the loss falls").isLessThan(0.7 * first);
    }

    /** 12 → dense(8) → relu → dense(4), with or without a softmax layer after it; the same initial weights. */
    private static Network article(boolean softmax) {
        List<LayerSpec> specs = new ArrayList<>(List.of(
                new LayerSpec("dense", "hidden", Map.of("units", "8")),
                new LayerSpec("relu", "relu", Map.of()),
                new LayerSpec("dense", "output", Map.of("units", "4"))));
        if (softmax) {
            specs.add(new LayerSpec("softmax", "softmax", Map.of()));
        }
        return Fixtures.network(12, specs, 7);
    }

    private static List<List<Float>> values(Network n) {
        List<List<Float>> v = new ArrayList<>();
        for (Param p : n.params()) {
            List<Float> xs = new ArrayList<>();
            for (float x : p.value().data()) {
                xs.add(x);
            }
            v.add(xs);
        }
        return v;
    }
}
