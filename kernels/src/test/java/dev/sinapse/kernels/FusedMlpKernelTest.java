package dev.sinapse.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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

/** The plain kernel ({@code vector} false: tests run with the Vector API module, see VectorMlpKernelTest). */
class FusedMlpKernelTest {
    private static final float SCALE = 1f / 255;

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

    private static void compareWithLayerByLayer(TestNet e, Dataset train, int[] order, int from, int to, int threads) {
        Network net = e.build(3);
        Loss loss = e.lossFunction();
        BatchKernel reference = new LayerByLayerKernel(net, loss);
        BatchKernel fused = new FusedMlpKernel.Factory().create(net, loss, threads).orElseThrow();
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
        TestNet e = TestNet.article();
        Dataset train = TestNet.data(2_601, 784, 10, 11);
        compareWithLayerByLayer(e, train, train.naturalOrder(), 0, train.size(), 2);
    }

    @Test
    void miniBatchGradientsEqualTheLayerByLayerOnesOnShuffledRows() {
        TestNet e = TestNet.article();
        Dataset train = TestNet.data(500, 784, 10, 12);
        int[] order = train.naturalOrder();
        new Rng(5).shuffle(order);
        compareWithLayerByLayer(e, train, order, 64, 96, 1);
        compareWithLayerByLayer(e, train, order, 480, 500, 2); // a last batch of 20 rows
    }

    @Test
    void oddShapesAndOtherActivationsMatchTheLayerByLayerKernel() {
        // 50 inputs padded to 784, 7 hidden tanh units, 3 classes; 301 rows: blocks of 128, 128 and 45, the
        // last one small enough to go row by row, and 37 rows (row by row only)
        TestNet e = TestNet.article().withInputs(50).withHidden(7).withActivation("tanh").withClasses(3);
        Dataset train = TestNet.data(301, 50, 3, 13);
        compareWithLayerByLayer(e, train, train.naturalOrder(), 0, 301, 3);
        compareWithLayerByLayer(e, train, train.naturalOrder(), 0, 37, 1);
    }

    @Test
    void oneAndTwoThreadsGiveBitwiseIdenticalParametersAfterSgdSteps() {
        TestNet e = TestNet.article();
        Dataset train = TestNet.data(2_300, 784, 10, 14);
        List<List<Matrix>> finals = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            Network net = e.build(7);
            BatchKernel k = new FusedMlpKernel.Factory().create(net, e.lossFunction(), threads).orElseThrow();
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
        assertThat(finals.get(0).get(0)).isNotEqualTo(e.build(7).params().get(0).value()); // training moved W1
    }

    @Test
    void miniBatchesOf32AreSplitInTwoAndGiveBitwiseIdenticalParametersOnOneAndTwoThreads() {
        // 32 rows are two chunks of 16 whatever the thread count; 20 rows are 16 + 4
        assertThat(FusedMlpKernel.chunkSize(32)).isEqualTo(16);
        assertThat(FusedMlpKernel.chunkSize(20)).isEqualTo(16);
        assertThat(FusedMlpKernel.chunkSize(8)).isEqualTo(8);
        assertThat(FusedMlpKernel.chunkSize(41_000)).isEqualTo(FusedMlpKernel.CHUNK);
        TestNet e = TestNet.article();
        Dataset train = TestNet.data(640, 784, 10, 15);
        List<List<Matrix>> finals = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            Network net = e.build(8);
            BatchKernel k = new FusedMlpKernel.Factory().create(net, e.lossFunction(), threads).orElseThrow();
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
        assertThat(finals.get(0).get(0)).isNotEqualTo(e.build(8).params().get(0).value());
    }

    @Test
    void declinesNetworksItDoesNotFuse() {
        TestNet mse = TestNet.article().withLoss("mse");
        assertThat(new FusedMlpKernel.Factory().create(mse.build(1), mse.lossFunction(), 1)).isEmpty();
        TestNet wide = TestNet.article().withInputs(800);
        assertThat(new FusedMlpKernel.Factory().create(wide.build(1), wide.lossFunction(), 1)).isEmpty();
        TestNet article = TestNet.article();
        assertThat(new FusedMlpKernel.Factory().create(article.build(1), article.lossFunction(), 2)).isPresent();
    }
}
