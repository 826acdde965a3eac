package dev.sinapse.kernels;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Rng;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three {@link Compute} products of a dense layer, plain ({@link ParallelCompute}) against Vector API
 * ({@link VectorCompute}), at the shapes of {@code wide-dropout} (batch 64: 784 → 128, 128 → 64) and of the
 * article (784 → 10, a full batch of 41,000 rows and a mini-batch of 32). X has MNIST's share of zeros (81%) or
 * none. Run by hand:
 * {@code ./mvnw -B -ntp -pl kernels -am -Pjmh test-compile exec:exec -Djmh.include=ComputeBenchmark}
 * (add {@code -Djmh.args="-p shape=64x784x128 -p threads=1,2"} to narrow it).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g", "--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class ComputeBenchmark {
    /** rows m × inputs k × units n. */
    @Param({"64x784x128", "64x128x64", "41000x784x10", "32x784x10"})
    public String shape;

    @Param({"plain", "vector"})
    public String compute;

    @Param({"1", "2"})
    public int threads;

    @Param({"0.81", "0"})
    public double zeros;

    private Compute c;
    private Matrix X;
    private Matrix W;
    private Matrix dZ;
    private Matrix dW;

    @Setup
    public void setUp() {
        String[] s = shape.split("x");
        int m = Integer.parseInt(s[0]), k = Integer.parseInt(s[1]), n = Integer.parseInt(s[2]);
        c = compute.equals("vector") ? new VectorCompute(threads) : ParallelCompute.create(threads);
        Rng rng = new Rng(7);
        X = new Matrix(m, k);
        for (int i = 0; i < X.size(); i++) {
            X.data()[i] = rng.nextFloat() < zeros ? 0f : rng.nextFloat();
        }
        W = random(n, k, rng);
        dZ = random(m, n, rng);
        dW = new Matrix(n, k);
    }

    private static Matrix random(int rows, int cols, Rng rng) {
        Matrix M = new Matrix(rows, cols);
        for (int i = 0; i < M.size(); i++) {
            M.data()[i] = rng.nextFloat() - 0.5f;
        }
        return M;
    }

    /** Z = X·Wᵀ. */
    @Benchmark
    public Matrix forward() {
        return c.timesTransB(X, W);
    }

    /** dW = dZᵀ·X. */
    @Benchmark
    public Matrix weightGradient() {
        c.transATimesInto(dZ, X, dW);
        return dW;
    }

    /** dX = dZ·W. */
    @Benchmark
    public Matrix inputGradient() {
        return c.times(dZ, W);
    }
}
