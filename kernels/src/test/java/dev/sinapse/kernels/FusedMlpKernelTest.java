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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both kernels of the driver: "fused" ({@link ScalarBlocks}) and "fused-vector" ({@link VectorBlocks}), which needs
 * {@code --add-modules jdk.incubator.vector} (this module's surefire passes it) and a CPU with 256-bit vectors
 * (else its cases are skipped).
 */
class FusedMlpKernelTest {
    private static final float SCALE = 1f / 255;

    private static KernelFactory factory(String kernel) {
        if (kernel.equals(FusedMlpKernel.VECTOR_NAME)) {
            assumeTrue(FusedMlpKernel.vectorKernelAvailable(), "this CPU has no 256-bit vectors: the plain kernel runs");
            return new FusedMlpKernel.VectorFactory();
        }
        return new FusedMlpKernel.Factory();
    }

    private static BatchKernel kernel(String kernel, Network net, Loss loss, int threads) {
        BatchKernel k = factory(kernel).create(net, loss, threads).orElseThrow();
        assertThat(k.name()).isEqualTo(kernel);
        return k;
    }

    private static List<Matrix> copies(List<Param> params, boolean grads) {
        List<Matrix> out = new ArrayList<>();
        for (Param p : params) {
            out.add((grads ? p.grad() : p.value()).copy());
        }
        return out;
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

    private static void compareWithLayerByLayer(String kernel, TestNet e, Dataset train, int[] order, int from, int to,
            int threads) {
        Network net = e.build(3);
        Loss loss = e.lossFunction();
        BatchKernel reference = new LayerByLayerKernel(LayerByLayerKernel.NAME, null, net, loss);
        BatchKernel fused = kernel(kernel, net, loss, threads);
        BatchKernel.Result want = reference.run(train, order, from, to, SCALE, Pass.training(Compute.serial(), new Rng(1)));
        List<Matrix> wantGrads = copies(net.params(), true);
        for (Param p : net.params()) {
            p.grad().fill(Float.NaN); // the fused kernel must overwrite every gradient
        }
        BatchKernel.Result got = fused.run(train, order, from, to, SCALE, Pass.training(Compute.serial(), new Rng(1)));
        assertThat(got.loss()).isCloseTo(want.loss(), within(1e-5 * Math.abs(want.loss())));
        // an argmax may flip only where two probabilities tie within float rounding
        assertThat(got.correct()).isCloseTo(want.correct(), within(1L));
        assertGradientsClose(copies(net.params(), true), wantGrads, net.params());
    }

    /** The gradients and loss of one run of the vector kernel with the sparse path forced on or off. */
    private static List<Matrix> vectorRun(String sparse, TestNet e, Dataset train, int[] order, int from, int to,
            int threads, double[] loss) {
        String before = System.getProperty(VectorBlocks.SPARSE_PROPERTY);
        System.setProperty(VectorBlocks.SPARSE_PROPERTY, sparse);
        try {
            Network net = e.build(3);
            BatchKernel k = kernel(FusedMlpKernel.VECTOR_NAME, net, e.lossFunction(), threads);
            BatchKernel.Result r = k.run(train, order, from, to, SCALE, Pass.training(Compute.serial(), new Rng(1)));
            loss[0] = r.loss();
            return copies(net.params(), true);
        } finally {
            if (before == null) {
                System.clearProperty(VectorBlocks.SPARSE_PROPERTY);
            } else {
                System.setProperty(VectorBlocks.SPARSE_PROPERTY, before);
            }
        }
    }

    @Test
    void theSparsePathsGiveTheDensePathsSums() {
        assumeTrue(FusedMlpKernel.vectorKernelAvailable(), "this CPU has no 256-bit vectors");
        // mostly zero rows, as MNIST's (81%); 700 inputs and 12 hidden units: no shape the kernel pads away
        Dataset train = mostlyZero(TestNet.data(1_300, 700, 10, 21));
        int[] shuffled = train.naturalOrder();
        new Rng(9).shuffle(shuffled);
        for (TestNet e : List.of(TestNet.article().withInputs(700).withHidden(12), TestNet.article(),
                TestNet.article().withHidden(20))) {
            Dataset data = e.inputs() == 700 ? train : mostlyZero(TestNet.data(1_300, 784, 10, 22));
            for (int[] range : new int[][] {{0, data.size()}, {96, 128}, {1_280, 1_300}, {0, 600}}) {
                int[] order = range[1] - range[0] == data.size() ? data.naturalOrder() : shuffled;
                // a full batch in order runs by pixel and by column (other rounding), a mini-batch by strips (the
                // dense path's bits); both keep their bits on 1, 2 and 3 threads
                boolean byPixel = order != shuffled && range[1] - range[0] >= VectorBlocks.COLUMN_ROWS;
                double[] dl = new double[1], sl = new double[1];
                List<Matrix> dense = vectorRun("off", e, data, order, range[0], range[1], 1, dl);
                List<Matrix> one = vectorRun("on", e, data, order, range[0], range[1], 1, sl);
                for (int threads : new int[] {2, 3}) {
                    double[] tl = new double[1];
                    List<Matrix> sparse = vectorRun("on", e, data, order, range[0], range[1], threads, tl);
                    assertThat(tl[0]).isEqualTo(sl[0]);
                    for (int i = 0; i < one.size(); i++) {
                        assertThat(sparse.get(i).data()).as("%s, rows %d..%d, %d threads, tensor %d", e,
                                range[0], range[1], threads, i).isEqualTo(one.get(i).data());
                    }
                }
                Network net = e.build(3);
                if (byPixel) {
                    assertThat(sl[0]).isCloseTo(dl[0], within(1e-5 * Math.abs(dl[0])));
                    assertGradientsClose(one, dense, net.params());
                    assertThat(one.get(0).data()).as("the by-pixel sums round otherwise").isNotEqualTo(dense.get(0).data());
                } else {
                    assertThat(sl[0]).isEqualTo(dl[0]);
                    for (int i = 0; i < dense.size(); i++) {
                        assertThat(one.get(i).data()).as("%s, rows %d..%d, tensor %d", e, range[0], range[1], i)
                                .isEqualTo(dense.get(i).data());
                    }
                }
            }
        }
    }

    @Test
    void aKernelThatKeepsAFullBatchsColumnsGivesTheSameStepsAsANewOneAndSwitchesToStrips() {
        assumeTrue(FusedMlpKernel.vectorKernelAvailable(), "this CPU has no 256-bit vectors");
        TestNet e = TestNet.article();
        Dataset data = mostlyZero(TestNet.data(1_300, 784, 10, 23));
        int[] all = data.naturalOrder();
        int[] shuffled = data.naturalOrder();
        new Rng(4).shuffle(shuffled);
        Network net = e.build(3);
        BatchKernel kept = kernel(FusedMlpKernel.VECTOR_NAME, net, e.lossFunction(), 2);
        // the second full batch reads the kept columns, the mini-batch rebuilds the rows by strips, the last full
        // batch by pixel again: each must give what a kernel fresh for it gives
        int[][] runs = {{0, 1_300}, {0, 1_300}, {200, 264}, {0, 1_300}};
        for (int[] r : runs) {
            int[] order = r[1] - r[0] == data.size() ? all : shuffled;
            kept.run(data, order, r[0], r[1], SCALE, Pass.training(Compute.serial(), new Rng(1)));
            List<Matrix> got = copies(net.params(), true);
            BatchKernel fresh = kernel(FusedMlpKernel.VECTOR_NAME, net, e.lossFunction(), 2);
            fresh.run(data, order, r[0], r[1], SCALE, Pass.training(Compute.serial(), new Rng(1)));
            List<Matrix> want = copies(net.params(), true);
            for (int i = 0; i < want.size(); i++) {
                assertThat(got.get(i).data()).as("rows %d..%d, tensor %d", r[0], r[1], i).isEqualTo(want.get(i).data());
            }
            // a step between runs, so the kept columns meet new weights
            float[] w = net.params().get(0).value().data();
            for (int j = 0; j < w.length; j++) {
                w[j] -= 0.1f * net.params().get(0).grad().data()[j];
            }
        }
    }

    /** The rows with about four in five pixels set to 0, in runs as blank borders are. */
    private static Dataset mostlyZero(Dataset d) {
        int n = d.features();
        byte[] px = new byte[d.size() * n];
        int[] y = new int[d.size()];
        Rng rng = new Rng(31);
        for (int i = 0; i < d.size(); i++) {
            int keepFrom = rng.nextInt(n), keep = n / 5;
            for (int j = 0; j < n; j++) {
                boolean kept = ((j - keepFrom + n) % n) < keep;
                px[i * n + j] = kept ? (byte) d.pixel(i, j) : 0;
            }
            y[i] = d.label(i);
        }
        return new dev.sinapse.io.data.PixelDataset("mostly zero", n, px, y);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fused", "fused-vector"})
    void fullBatchGradientsEqualTheLayerByLayerOnesOnTheArticleShape(String kernel) {
        // 2,601 rows: chunks of 1,024, 1,024 and 553; at the end 41 rows, which the scalar blocks (128 rows) take
        // row by row, whose last group of 8 is not full, and the vector blocks (64 rows) as groups of six, not whole
        TestNet e = TestNet.article();
        Dataset train = TestNet.data(2_601, 784, 10, 11);
        compareWithLayerByLayer(kernel, e, train, train.naturalOrder(), 0, train.size(), 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fused", "fused-vector"})
    void miniBatchGradientsOf32And20ShuffledRowsEqualTheLayerByLayerOnes(String kernel) {
        TestNet e = TestNet.article();
        Dataset train = TestNet.data(500, 784, 10, 12);
        int[] order = train.naturalOrder();
        new Rng(5).shuffle(order);
        compareWithLayerByLayer(kernel, e, train, order, 64, 96, 1);
        compareWithLayerByLayer(kernel, e, train, order, 480, 500, 2); // a last batch of 20 rows: 16 + 4
    }

    @ParameterizedTest
    @ValueSource(strings = {"fused", "fused-vector"})
    void oddShapesAndOtherActivationsMatchTheLayerByLayerKernel(String kernel) {
        // 50 inputs (padded to 784, not a multiple of 8), 7 hidden tanh units (the vector blocks pad them to 10),
        // 3 classes; 301 rows (scalar: blocks of 128, 128 and 45, the last row by row) and 37 rows
        TestNet e = TestNet.article().withInputs(50).withHidden(7).withActivation("tanh").withClasses(3);
        Dataset train = TestNet.data(301, 50, 3, 13);
        compareWithLayerByLayer(kernel, e, train, train.naturalOrder(), 0, 301, 3);
        compareWithLayerByLayer(kernel, e, train, train.naturalOrder(), 0, 37, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fused", "fused-vector"})
    void rowsOfFloatsATableMatchTheLayerByLayerKernel(String kernel) {
        // a table's values are floats of any sign and size, which the vector blocks cannot keep as bytes: 13 inputs,
        // 3 classes, 150 rows (vector: blocks of 64, 64 and 22), shuffled mini-batches of 40
        TestNet e = TestNet.article().withInputs(13).withHidden(12).withClasses(3);
        Rng rng = new Rng(21);
        float[] values = new float[150 * 13];
        int[] labels = new int[150];
        for (int i = 0; i < values.length; i++) {
            values[i] = (rng.nextFloat() - 0.5f) * 40f;
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int j = 0; j < 13; j++) {
            names.add("f" + j);
        }
        Dataset train = new dev.sinapse.io.data.TableDataset("table", names, values, labels, java.util.List.of());
        assertThat(train.bytes()).isFalse();
        compareWithLayerByLayer(kernel, e, train, train.naturalOrder(), 0, 150, 2);
        int[] order = train.naturalOrder();
        new Rng(4).shuffle(order);
        compareWithLayerByLayer(kernel, e, train, order, 40, 80, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fused", "fused-vector"})
    void twelveHiddenUnitsMatchTheLayerByLayerKernel(String kernel) {
        // the vector blocks pad W1 with 8 zero rows to 20 units; 100 inputs; 70 rows = a block of 64 and one of 6
        TestNet e = TestNet.article().withInputs(100).withHidden(12);
        Dataset train = TestNet.data(70, 100, 10, 15);
        compareWithLayerByLayer(kernel, e, train, train.naturalOrder(), 0, 70, 2);
    }

    /** The parameters after {@code steps} SGD steps on batches of {@code batch} rows, reshuffled every epoch. */
    private static List<Matrix> trainWith(String kernel, int threads, TestNet e, Dataset train, int batch, int steps) {
        Network net = e.build(7);
        BatchKernel k = kernel(kernel, net, e.lossFunction(), threads);
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
        return copies(net.params(), false);
    }

    private static void assertOneAndTwoThreadsAgreeBitwise(String kernel, Dataset train, int batch, int steps) {
        TestNet e = TestNet.article();
        List<Matrix> one = trainWith(kernel, 1, e, train, batch, steps);
        List<Matrix> two = trainWith(kernel, 2, e, train, batch, steps);
        assertThat(two).as("batch %d", batch).isEqualTo(one); // Matrix.equals compares float bits
        assertThat(one.get(0)).isNotEqualTo(e.build(7).params().get(0).value()); // training moved W1
    }

    @ParameterizedTest
    @ValueSource(strings = {"fused", "fused-vector"})
    void oneAndTwoThreadsGiveBitwiseIdenticalParametersAfterFullBatchesAndBatchesOf700(String kernel) {
        // 2,300 rows: chunks of 1,024, 1,024 and 252; 700 rows: two chunks of 352 and 348
        Dataset train = TestNet.data(2_300, 784, 10, 14);
        assertOneAndTwoThreadsAgreeBitwise(kernel, train, train.size(), 4);
        assertOneAndTwoThreadsAgreeBitwise(kernel, train, 700, 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fused", "fused-vector"})
    void oneAndTwoThreadsGiveBitwiseIdenticalParametersAfterMiniBatchesOf32And160(String kernel) {
        // 32 rows: two chunks of 16 (scalar, on both threads) or one on the caller (vector); 160 rows: two chunks
        // of 80, on both threads
        Dataset train = TestNet.data(640, 784, 10, 15);
        for (int batch : new int[] {32, VectorBlocks.PARALLEL_ROWS + 32}) {
            assertOneAndTwoThreadsAgreeBitwise(kernel, train, batch, 12);
        }
    }

    @Test
    void chunksDependOnTheBatchSizeAlone() {
        // 32 rows are two chunks of 16 whatever the thread count; 20 rows are 16 + 4
        assertThat(FusedMlpKernel.chunks(32)).isEqualTo(2);
        assertThat(FusedMlpKernel.chunkStart(32, 2, 1)).isEqualTo(16);
        assertThat(FusedMlpKernel.chunkStart(20, 2, 1)).isEqualTo(16);
        assertThat(FusedMlpKernel.chunkStart(20, 2, 2)).isEqualTo(20);
        assertThat(FusedMlpKernel.chunks(8)).isEqualTo(1);
        // large batches: a multiple of twelve chunks, equal to a row, covering every row once
        for (int m : new int[] {2048, 7000, 41_000, 42_000, 60_000}) {
            int tasks = FusedMlpKernel.chunks(m);
            assertThat(tasks % FusedMlpKernel.BALANCE).isZero();
            assertThat(tasks).isGreaterThanOrEqualTo((m + FusedMlpKernel.CHUNK - 1) / FusedMlpKernel.CHUNK);
            assertThat(FusedMlpKernel.chunkStart(m, tasks, 0)).isZero();
            assertThat(FusedMlpKernel.chunkStart(m, tasks, tasks)).isEqualTo(m);
            for (int t = 0; t < tasks; t++) {
                int size = FusedMlpKernel.chunkStart(m, tasks, t + 1) - FusedMlpKernel.chunkStart(m, tasks, t);
                assertThat(size).isBetween(m / tasks, m / tasks + 1);
            }
        }
        assertThat(FusedMlpKernel.chunks(42_000)).isEqualTo(48);
        assertThat(FusedMlpKernel.chunks(7_000)).isEqualTo(12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fused", "fused-vector"})
    void declinesNetworksItDoesNotFuse(String kernel) {
        TestNet mse = TestNet.article().withLoss("mse");
        assertThat(factory(kernel).create(mse.build(1), mse.lossFunction(), 1)).isEmpty();
        TestNet wide = TestNet.article().withInputs(800);
        assertThat(factory(kernel).create(wide.build(1), wide.lossFunction(), 1)).isEmpty();
        TestNet article = TestNet.article();
        assertThat(factory(kernel).create(article.build(1), article.lossFunction(), 2)).isPresent();
    }
}
