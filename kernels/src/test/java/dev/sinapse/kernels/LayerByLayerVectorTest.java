package dev.sinapse.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Rng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "layers-vector", the layer-by-layer kernel on {@link VectorCompute}: chosen where the Vector API runs, its steps
 * give bitwise the same gradients on 1, 2 or 3 threads, and the plain kernel's to float rounding.
 */
class LayerByLayerVectorTest {
    private static final float SCALE = 1f / 255;

    @BeforeAll
    static void vectorApi() {
        assumeTrue(VectorApi.unavailable().isEmpty(), "the Vector API cannot run here");
    }

    /** The "layers-vector" kernel for net on threads. */
    private static BatchKernel layersVector(TestNet e, Network net, int threads) {
        return new LayerByLayerKernel.VectorFactory().create(net, e.lossFunction(), threads).orElseThrow();
    }

    /** The dataset's rows in an order shuffled by seed. */
    private static int[] shuffled(Dataset data, long seed) {
        int[] order = data.naturalOrder();
        new Rng(seed).shuffle(order);
        return order;
    }

    private static List<float[]> gradients(BatchKernel k, Network net, Dataset data, int[] order, int from, int to) {
        for (Param p : net.params()) {
            p.grad().fill(Float.NaN);   // every gradient must be written
        }
        k.run(data, order, from, to, SCALE, Pass.training(Compute.serial(), new Rng(1)));
        List<float[]> out = new ArrayList<>();
        for (Param p : net.params()) {
            out.add(p.grad().data().clone());
        }
        return out;
    }

    @Test
    void isChosenAboveThePlainKernelAndGivesTheSameBitsOnAnyThreadCount() {
        assertThat(new LayerByLayerKernel.VectorFactory().priority()).isGreaterThan(new LayerByLayerKernel.Factory().priority());
        // 128 hidden units and a 64-row mini-batch, as wide-dropout's first layer; then a full batch of odd size
        TestNet e = TestNet.article().withHidden(128);
        Dataset data = TestNet.data(301, 784, 10, 5);
        int[] order = shuffled(data, 2);
        for (int[] range : new int[][] {{0, 64}, {0, 301}}) {
            Network net = e.build(3);
            BatchKernel one = layersVector(e, net, 1);
            assertThat(one.name()).isEqualTo("layers-vector");
            List<float[]> want = gradients(one, net, data, order, range[0], range[1]);
            for (int threads : new int[] {2, 3}) {
                BatchKernel k = layersVector(e, net, threads);
                List<float[]> got = gradients(k, net, data, order, range[0], range[1]);
                for (int i = 0; i < want.size(); i++) {
                    assertThat(got.get(i)).as("%d threads, rows %s, tensor %d", threads, range[1], i).isEqualTo(want.get(i));
                }
            }
            // the plain kernel sums in another order: equal to float rounding, and not bitwise (the vector path ran)
            List<float[]> plain = gradients(new LayerByLayerKernel.Factory().create(net, e.lossFunction(), 1).orElseThrow(),
                    net, data, order, range[0], range[1]);
            boolean differs = false;
            for (int i = 0; i < want.size(); i++) {
                float scale = 0f;
                for (float v : plain.get(i)) {
                    scale = Math.max(scale, Math.abs(v));
                }
                assertThat(scale).isGreaterThan(0f);
                for (int j = 0; j < plain.get(i).length; j++) {
                    assertThat(want.get(i)[j]).isCloseTo(plain.get(i)[j], within(2e-5f * scale));
                    differs |= want.get(i)[j] != plain.get(i)[j];
                }
            }
            assertThat(differs).as("layers-vector rounds differently from layers").isTrue();
        }
    }

    @Test
    void aMiniBatchAfterOthersGivesTheGradientsOfAFreshKernel() {
        // the kernel rewrites one buffer with each mini-batch's rows: nothing of an earlier batch may remain
        TestNet e = TestNet.article().withHidden(32);
        Dataset data = TestNet.data(200, 784, 10, 5);
        int[] order = shuffled(data, 3);
        Network net = e.build(4);
        BatchKernel used = layersVector(e, net, 2);
        gradients(used, net, data, order, 0, 64);
        gradients(used, net, data, order, 0, 200);   // a full batch between two mini-batches
        List<float[]> got = gradients(used, net, data, order, 64, 128);
        BatchKernel fresh = layersVector(e, net, 2);
        List<float[]> want = gradients(fresh, net, data, order, 64, 128);
        for (int i = 0; i < want.size(); i++) {
            assertThat(got.get(i)).as("tensor %d", i).isEqualTo(want.get(i));
        }
    }

    @Test
    void rowsConvertedByVectorsAreTheDatasetsBatchBitwise() {
        // 13 features: one vector of eight and a scalar tail of five; pixels up to 255 (a signed byte would be negative)
        for (int n : new int[] {13, 784}) {
            Dataset data = TestNet.data(50, n, 10, 3);
            int[] order = shuffled(data, 4);
            float[] got = new float[2 + 20 * n];
            java.util.Arrays.fill(got, Float.NaN);
            new VectorRows().gather(data, order, 7, 27, SCALE, got, 2);
            float[] want = data.batch(order, 7, 27, SCALE).data();
            assertThat(java.util.Arrays.copyOfRange(got, 2, got.length)).as("%d features", n).isEqualTo(want);
            assertThat(got[0]).as("before the offset: untouched").isNaN();
            assertThat(got[1]).isNaN();
        }
    }

    @Test
    void aMiniBatchStepIsTheSameWithTheDatasetsOwnConversion() {
        TestNet e = TestNet.article().withHidden(24);
        Network net = e.build(2);
        Dataset data = TestNet.data(150, 784, 10, 6);
        int[] order = shuffled(data, 5);
        BatchKernel vectorRows = layersVector(e, net, 2);
        BatchKernel datasetRows = new LayerByLayerKernel(LayerByLayerKernel.VECTOR_NAME, new VectorCompute(2), net,
                e.lossFunction());
        int[] gathered = {0};
        VectorRows rows = new VectorRows();
        LayerByLayerKernel.Gather counted = (train, o, from, to, scale, out, offset) -> {
            gathered[0]++;
            rows.gather(train, o, from, to, scale, out, offset);
        };
        BatchKernel spied = new LayerByLayerKernel(LayerByLayerKernel.VECTOR_NAME, new VectorCompute(2), net,
                e.lossFunction(), counted);
        List<float[]> want = gradients(datasetRows, net, data, order, 40, 104);
        for (BatchKernel k : List.of(vectorRows, spied)) {
            List<float[]> got = gradients(k, net, data, order, 40, 104);
            for (int i = 0; i < want.size(); i++) {
                assertThat(got.get(i)).as("tensor %d", i).isEqualTo(want.get(i));
            }
        }
        assertThat(gathered[0]).as("the mini-batch's rows came from the vector conversion").isEqualTo(1);
    }
}
