package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Compute;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Rng;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tutorial's network, end to end through the registries: plain gradient steps must reduce the loss. */
class TrainingSanityTest {

    @Test
    void gradientStepsOnAFixedBatchReduceTheCrossEntropy() {
        Network net = Fixtures.network(20, List.of(
                new LayerSpec("dense", "hidden", Map.of("units", "10", "init", "uniform")),
                new LayerSpec("relu", "", Map.of()),
                new LayerSpec("dense", "output", Map.of("units", "10")),
                new LayerSpec("softmax", "", Map.of())), 1);
        Loss loss = Fixtures.registries().losses().get("cross_entropy", "test").create(Options.empty("loss"));
        Rng data = new Rng(2);
        Matrix X = new Matrix(40, 20);
        for (int i = 0; i < X.size(); i++) {
            X.data()[i] = data.nextFloat();
        }
        int[] y = new int[40];
        for (int i = 0; i < y.length; i++) {
            y[i] = X.argmaxRow(i) % 10; // learnable: a function of the features, not noise
        }
        Pass pass = Pass.training(Compute.serial(), new Rng(3));

        double first = net.forwardBackward(X, y, loss, pass).loss();
        double last = first;
        for (int step = 0; step < 100; step++) {
            for (Param p : net.params()) {
                p.value().addScaledInPlace(-0.5f, p.grad());
            }
            last = net.forwardBackward(X, y, loss, pass).loss();
        }

        assertThat(first).isGreaterThan(1.5); // about log 10 for a near-uniform output
        assertThat(last).isFinite().isLessThan(0.5 * first);
    }
}
