package dev.sinapse.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Rng;
import dev.sinapse.io.proto.Experiment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plain kernel ({@code vector} false: tests run with the Vector API module, see VectorMlpKernelTest). */
class FusedMlpKernelTest {
    private static final Registries REGISTRIES = Injection.registries();
    private static final float SCALE = 1f / 255;

    /** The article's config with the given overrides (input size, units, activation, loss ...). */
    private static Experiment experiment(String... sets) {
        return Experiments.load(null, List.of(sets)).experiment();
    }

    private static Network network(Experiment e, long seed) {
        return Trainer.buildNetwork(e, REGISTRIES, new Rng(seed));
    }

    private static Loss loss(Experiment e) {
        return REGISTRIES.losses().get(e.getLoss().getType(), "loss.type").create(new Options("loss", e.getLoss().getOptionsMap()));
    }

    /** Random bytes, about half of them 0 like Fashion-MNIST, and random labels in [0, classes). */
    private static Dataset data(int rows, int features, int classes, long seed) {
        Rng rng = new Rng(seed);
        byte[] px = new byte[rows * features];
        for (int i = 0; i < px.length; i++) {
            px[i] = rng.nextInt(2) == 0 ? 0 : (byte) (1 + rng.nextInt(255));
        }
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = rng.nextInt(classes);
        }
        return new Dataset("random", features, px, y);
    }

    private static List<Matrix> grads(Network net) {
        List<Matrix> g = new ArrayList<>();
        for (Param p : net.params()) {
            g.add(p.grad().copy());
        }
        return g;
    }

    /** Every element within 2e-4 of the largest |reference| element of its tensor (float sums in another order). */
    private static void assertGradientsClose(List<Matrix> fused, List<Matrix> reference, List<Param> params) {
        for (int i = 0; i < reference.size(); i++) {
            float[] a = fused.get(i).data(), b = reference.get(i).data();
            float scale = 0f;
            for (float v : b) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertThat(scale).as("reference gradient of %s is not all zero", params.get(i).name()).isGreaterThan(0f);
            for (int j = 0; j < b.length; j++) {
                assertThat(a[j]).as("%s[%d]", params.get(i).name(), j).isCloseTo(b[j], within(2e-4f * scale));
            }
        }
    }

    private static void compareWithLayerByLayer(Experiment e, Dataset train, int[] order, int from, int to, int threads) {
        Network net = network(e, 3);
        Loss loss = loss(e);
        BatchKernel reference = new LayerByLayerKernel(net, loss);
        BatchKernel fused = FusedMlpKernel.tryCreate(e, net, loss, threads, false).orElseThrow();
        BatchKernel.Result want = reference.run(train, order, from, to, SCALE, Pass.training(Compute.serial(), new Rng(1)));
        List<Matrix> wantGrads = grads(net);
        for (Param p : net.params()) {
            p.grad().fill(Float.NaN); // the fused kernel must overwrite every gradient
        }
        BatchKernel.Result got = fused.run(train, order, from, to, SCALE, Pass.training(Compute.serial(), new Rng(1)));
        assertThat(got.loss()).isCloseTo(want.loss(), within(1e-5 * Math.abs(want.loss())));
        // an argmax may flip only where two probabilities tie within float rounding
        assertThat(got.correct()).isCloseTo(want.correct(), within(1L));
        assertGradientsClose(grads(net), wantGrads, net.params());
    }

    @Test
    void fullBatchGradientsEqualTheLayerByLayerOnesOnTheArticleShape() {
        // 2,601 rows: chunks of 1,024, 1,024 and 553; blocks of 128 and, at the end, 41 rows taken row by row,
        // whose last group of 8 is not full
        Experiment e = experiment();
        Dataset train = data(2_601, 784, 10, 11);
        compareWithLayerByLayer(e, train, train.naturalOrder(), 0, train.size(), 2);
    }

    @Test
    void miniBatchGradientsEqualTheLayerByLayerOnesOnShuffledRows() {
        Experiment e = experiment("training.batch_size=32");
        Dataset train = data(500, 784, 10, 12);
        int[] order = train.naturalOrder();
        new Rng(5).shuffle(order);
        compareWithLayerByLayer(e, train, order, 64, 96, 1);
        compareWithLayerByLayer(e, train, order, 480, 500, 2); // a last batch of 20 rows
    }

    @Test
    void oddShapesAndOtherActivationsMatchTheLayerByLayerKernel() {
        // 50 inputs padded to 784, 7 hidden tanh units, 3 classes; 301 rows: blocks of 128, 128 and 45, the
        // last one small enough to go row by row, and 37 rows (row by row only)
        Experiment e = experiment("network.input_size=50", "network.layers[hidden].options.units=7",
                "network.layers[relu].type=tanh", "network.layers[output].options.units=3");
        Dataset train = data(301, 50, 3, 13);
        compareWithLayerByLayer(e, train, train.naturalOrder(), 0, 301, 3);
        compareWithLayerByLayer(e, train, train.naturalOrder(), 0, 37, 1);
    }

    @Test
    void oneAndTwoThreadsGiveBitwiseIdenticalParametersAfterSgdSteps() {
        Experiment e = experiment();
        Dataset train = data(2_300, 784, 10, 14);
        List<List<Matrix>> finals = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            Network net = network(e, 7);
            BatchKernel k = FusedMlpKernel.tryCreate(e, net, loss(e), threads, false).orElseThrow();
            int[] order = train.naturalOrder();
            Rng shuffle = new Rng(9);
            for (int step = 0; step < 6; step++) {
                // alternate full-batch steps and mini-batches of 700 (a chunk of 1,024 is split differently)
                int from = 0, to = train.size();
                if (step % 2 == 1) {
                    shuffle.shuffle(order);
                    from = 100;
                    to = 800;
                }
                k.run(train, order, from, to, SCALE, Pass.training(Compute.serial(), new Rng(1)));
                for (Param p : net.params()) {
                    p.value().addScaledInPlace(-0.1f, p.grad());
                }
            }
            List<Matrix> values = new ArrayList<>();
            for (Param p : net.params()) {
                values.add(p.value().copy());
            }
            finals.add(values);
        }
        // Matrix.equals compares float bits
        assertThat(finals.get(1)).isEqualTo(finals.get(0));
        assertThat(finals.get(0).get(0)).isNotEqualTo(network(e, 7).params().get(0).value()); // training moved W1
    }

    @Test
    void miniBatchesOf32AreSplitInTwoAndGiveBitwiseIdenticalParametersOnOneAndTwoThreads() {
        // 32 rows are two chunks of 16 whatever the thread count; 20 rows are 16 + 4
        assertThat(FusedMlpKernel.chunkSize(32)).isEqualTo(16);
        assertThat(FusedMlpKernel.chunkSize(20)).isEqualTo(16);
        assertThat(FusedMlpKernel.chunkSize(8)).isEqualTo(8);
        assertThat(FusedMlpKernel.chunkSize(41_000)).isEqualTo(FusedMlpKernel.CHUNK);
        Experiment e = experiment("training.batch_size=32");
        Dataset train = data(640, 784, 10, 15);
        List<List<Matrix>> finals = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            Network net = network(e, 8);
            BatchKernel k = FusedMlpKernel.tryCreate(e, net, loss(e), threads, false).orElseThrow();
            int[] order = train.naturalOrder();
            new Rng(4).shuffle(order);
            for (int from = 0; from < train.size(); from += 32) {
                k.run(train, order, from, from + 32, SCALE, Pass.training(Compute.serial(), new Rng(1)));
                for (Param p : net.params()) {
                    p.value().addScaledInPlace(-0.1f, p.grad());
                }
            }
            List<Matrix> values = new ArrayList<>();
            for (Param p : net.params()) {
                values.add(p.value().copy());
            }
            finals.add(values);
        }
        assertThat(finals.get(1)).isEqualTo(finals.get(0));
        assertThat(finals.get(0).get(0)).isNotEqualTo(network(e, 8).params().get(0).value());
    }

    @Test
    void declinesNetworksItDoesNotFuse() {
        Experiment mse = experiment("loss.type=mse");
        assertThat(FusedMlpKernel.tryCreate(mse, network(mse, 1), loss(mse), 1)).isEmpty();
        Experiment wide = experiment("network.input_size=800");
        assertThat(FusedMlpKernel.tryCreate(wide, network(wide, 1), loss(wide), 1)).isEmpty();
        Experiment article = experiment();
        assertThat(FusedMlpKernel.tryCreate(article, network(article, 1), loss(article), 2)).isPresent();
    }
}
