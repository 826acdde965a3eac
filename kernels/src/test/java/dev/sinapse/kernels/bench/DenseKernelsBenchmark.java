package dev.sinapse.kernels.bench;

import com.google.inject.Guice;
import dev.sinapse.api.Compute;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Rng;
import dev.sinapse.io.data.PixelDataset;
import dev.sinapse.kernels.BatchKernel;
import dev.sinapse.kernels.Kernels;
import dev.sinapse.kernels.KernelsModule;
import dev.sinapse.kernels.ParallelCompute;
import dev.sinapse.kernels.TestNet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The dense kernels at the article's shapes: 784 → 10 on 41,000 rows (full batch) and on 32 rows, forward
 * Z = X·Wᵀ and backward dW = dZᵀ·X through {@link Compute}, and the fused kernel's whole training pass.
 * Run by hand: {@code ./mvnw -B -ntp -pl kernels -am -Pjmh test-compile exec:exec} (optionally
 * {@code -Djmh.include=REGEX -Djmh.args="-p threads=2"}). Pixels are random bytes, half of them 0, like
 * Fashion-MNIST, scaled by 1/255.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
@State(Scope.Benchmark)
public class DenseKernelsBenchmark {
    @Param({"41000", "32"})
    public int rows;

    @Param({"1", "2"})
    public int threads;

    private Compute compute;
    private Matrix X;
    private Matrix W;
    private Matrix dZ;
    private Matrix dW;
    private Dataset data;
    private int[] order;
    private BatchKernel fused;
    private Pass pass;

    @Setup(Level.Trial)
    public void setUp() {
        Rng rng = new Rng(1);
        byte[] px = new byte[rows * 784];
        for (int i = 0; i < px.length; i++) {
            px[i] = rng.nextInt(2) == 0 ? 0 : (byte) (1 + rng.nextInt(255));
        }
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = rng.nextInt(10);
        }
        data = new PixelDataset("random", 784, px, y);
        order = data.naturalOrder();
        X = data.batch(order, 0, rows, 1f / 255);
        W = new Matrix(10, 784);
        dZ = new Matrix(rows, 10);
        for (float[] a : new float[][] {W.data(), dZ.data()}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = rng.nextFloat() - 0.5f;
            }
        }
        dW = new Matrix(10, 784);
        compute = ParallelCompute.create(threads);
        pass = Pass.training(compute, new Rng(2));

        TestNet article = TestNet.article();
        Network net = article.build(3);
        fused = Guice.createInjector(new KernelsModule()).getInstance(Kernels.class)
                .choose(net, article.lossFunction(), threads);
    }

    @Benchmark
    public Matrix denseForward() {
        return compute.timesTransB(X, W);
    }

    @Benchmark
    public Matrix denseBackwardWeights() {
        compute.transATimesInto(dZ, X, dW);
        return dW;
    }

    @Benchmark
    public BatchKernel.Result fusedForwardBackward() {
        return fused.run(data, order, 0, rows, 1f / 255, pass);
    }
}
