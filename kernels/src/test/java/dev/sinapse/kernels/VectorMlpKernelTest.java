package dev.sinapse.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Rng;
import dev.sinapse.io.data.PixelDataset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs only with {@code --add-modules jdk.incubator.vector} (this module's surefire passes it), on a CPU with 256-bit
 * vectors (else skipped).
 */
class VectorMlpKernelTest {
    private static final float SCALE = 1f / 255;

    /**
     * Random bytes, about half of them 0, plus whole runs of zero pixels (so that eight-pixel steps are skipped
     * for some rows and not others), and random labels in [0, classes).
     */
    private static Dataset data(int rows, int features, int classes, long seed) {
        Rng rng = new Rng(seed);
        byte[] px = new byte[rows * features];
        for (int i = 0; i < px.length; i++) {
            px[i] = rng.nextInt(2) == 0 ? 0 : (byte) (1 + rng.nextInt(255));
        }
        for (int r = 0; r < rows; r++) {
            int start = rng.nextInt(features), len = rng.nextInt(features / 2 + 1);
            for (int j = start; j < Math.min(features, start + len); j++) {
                px[r * features + j] = 0;
            }
        }
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = rng.nextInt(classes);
        }
        return new PixelDataset("random", features, px, y);
    }

    private static BatchKernel vector(TestNet e, Network net, Loss loss, int threads) {
        assumeTrue(FusedMlpKernel.vectorKernelAvailable(), "this CPU has no 256-bit vectors: the plain kernel runs");
        BatchKernel k = new FusedMlpKernel.VectorFactory().create(net, loss, threads).orElseThrow();
        assertThat(k.name()).as("the Vector API module is present in tests").isEqualTo("fused-vector");
        return k;
    }

    private static List<Matrix> grads(Network net) {
        List<Matrix> g = new ArrayList<>();
        for (Param p : net.params()) {
            g.add(p.grad().copy());
        }
        return g;
    }

    private static void compareWithLayerByLayer(TestNet e, Dataset train, int[] order, int from, int to, int threads) {
        Network net = e.build(3);
        Loss loss = e.lossFunction();
        BatchKernel reference = new LayerByLayerKernel(net, loss);
        BatchKernel fast = vector(e, net, loss, threads);
        BatchKernel.Result want = reference.run(train, order, from, to, SCALE, Pass.training(Compute.serial(), new Rng(1)));
        List<Matrix> wantGrads = grads(net);
        for (Param p : net.params()) {
            p.grad().fill(Float.NaN); // the kernel must overwrite every gradient
        }
        BatchKernel.Result got = fast.run(train, order, from, to, SCALE, Pass.training(Compute.serial(), new Rng(1)));
        assertThat(got.loss()).isCloseTo(want.loss(), within(1e-5 * Math.abs(want.loss())));
        assertThat(got.correct()).isCloseTo(want.correct(), within(1L)); // an argmax may flip on a float tie
        List<Matrix> gotGrads = grads(net);
        for (int i = 0; i < wantGrads.size(); i++) {
            float[] a = gotGrads.get(i).data(), b = wantGrads.get(i).data();
            float scale = 0f;
            for (float v : b) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertThat(scale).as("reference gradient of %s is not all zero", net.params().get(i).name()).isGreaterThan(0f);
            for (int j = 0; j < b.length; j++) {
                assertThat(a[j]).as("%s[%d]", net.params().get(i).name(), j).isCloseTo(b[j], within(2e-4f * scale));
            }
        }
    }

    @Test
    void fullBatchGradientsEqualTheLayerByLayerOnesOnTheArticleShape() {
        // 2,601 rows: chunks of 1,024, 1,024 and 553; blocks of 64 and, at the end, 41 rows (not whole groups of six)
        TestNet e = TestNet.article();
        Dataset train = data(2_601, 784, 10, 11);
        compareWithLayerByLayer(e, train, train.naturalOrder(), 0, train.size(), 2);
    }

    @Test
    void miniBatchGradientsOf32And20RowsEqualTheLayerByLayerOnes() {
        TestNet e = TestNet.article();
        Dataset train = data(500, 784, 10, 12);
        int[] order = train.naturalOrder();
        new Rng(5).shuffle(order);
        compareWithLayerByLayer(e, train, order, 64, 96, 1);
        compareWithLayerByLayer(e, train, order, 480, 500, 2); // a last batch of 20 rows: 16 + 4
    }

    @Test
    void oddShapesAndOtherActivationsMatchTheLayerByLayerKernel() {
        // 50 inputs (not a multiple of 8), 7 tanh units (padded to 10), 3 classes; 301 and 37 rows
        TestNet e = TestNet.article().withInputs(50).withHidden(7).withActivation("tanh").withClasses(3);
        Dataset train = data(301, 50, 3, 13);
        compareWithLayerByLayer(e, train, train.naturalOrder(), 0, 301, 3);
        compareWithLayerByLayer(e, train, train.naturalOrder(), 0, 37, 1);
    }

    @Test
    void twelveHiddenUnitsPaddedToTwentyMatchTheLayerByLayerKernel() {
        // 12 units: W1 padded with 8 zero rows; 100 inputs; 70 rows = a block of 64 and one of 6
        TestNet e = TestNet.article().withInputs(100).withHidden(12);
        Dataset train = data(70, 100, 10, 15);
        compareWithLayerByLayer(e, train, train.naturalOrder(), 0, 70, 2);
    }

    private static List<Matrix> trainWith(int threads, TestNet e, Dataset train, int batch, int steps) {
        Network net = e.build(7);
        BatchKernel k = vector(e, net, e.lossFunction(), threads);
        int[] order = train.naturalOrder();
        Rng shuffle = new Rng(9);
        int from = 0;
        for (int step = 0; step < steps; step++) {
            if (from + batch > train.size()) {
                from = 0;
            }
            if (from == 0) {
                shuffle.shuffle(order);
            }
            k.run(train, order, from, from + batch, SCALE, Pass.training(Compute.serial(), new Rng(1)));
            from += batch;
            for (Param p : net.params()) {
                p.value().addScaledInPlace(-0.1f, p.grad());
            }
        }
        List<Matrix> values = new ArrayList<>();
        for (Param p : net.params()) {
            values.add(p.value().copy());
        }
        return values;
    }

    @Test
    void oneAndTwoThreadsGiveBitwiseIdenticalParametersAfterFullBatchSteps() {
        TestNet e = TestNet.article();
        Dataset train = data(2_300, 784, 10, 14);
        List<Matrix> one = trainWith(1, e, train, train.size(), 5);
        List<Matrix> two = trainWith(2, e, train, train.size(), 5);
        assertThat(two).isEqualTo(one); // Matrix.equals compares float bits
        assertThat(one.get(0)).isNotEqualTo(e.build(7).params().get(0).value()); // training moved W1
    }

    @Test
    void oneAndTwoThreadsGiveBitwiseIdenticalParametersAfterMiniBatchesOf32And160() {
        // 32 rows: two chunks, run on the caller; 160 rows: two chunks of 80, on both threads
        for (int batch : new int[] {32, VectorMlpKernel.PARALLEL_ROWS + 32}) {
            TestNet e = TestNet.article();
            Dataset train = data(640, 784, 10, 15);
            List<Matrix> one = trainWith(1, e, train, batch, 12);
            List<Matrix> two = trainWith(2, e, train, batch, 12);
            assertThat(two).as("batch %d", batch).isEqualTo(one);
            assertThat(one.get(0)).isNotEqualTo(e.build(7).params().get(0).value());
        }
    }
}
