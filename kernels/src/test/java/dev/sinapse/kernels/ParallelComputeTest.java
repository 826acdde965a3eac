package dev.sinapse.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelComputeTest {
    /** m, k, n triples: sizes that do not divide 4, 8 or 16, a single row, and the article's thin shape. */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {3, 5, 7}, {17, 13, 9}, {33, 31, 10}, {129, 37, 3}, {70, 1, 65}, {1, 100, 1}, {301, 784, 10},
    };

    private static Matrix random(int rows, int cols, long seed, boolean withZeros) {
        Rng rng = new Rng(seed);
        Matrix M = new Matrix(rows, cols);
        float[] d = M.data();
        for (int i = 0; i < d.length; i++) {
            // a third zeros, like ReLU outputs and blank pixels, to exercise the zero skipping
            d[i] = withZeros && rng.nextInt(3) == 0 ? 0f : rng.nextFloat() * 2f - 1f;
        }
        return M;
    }

    /** |a − b| ≤ 1e-5·(1 + Σ|terms|): float rounding of a k-term sum, whatever the order. */
    private static void assertClose(Matrix actual, Matrix expected, Matrix bound) {
        assertThat(actual.rows()).isEqualTo(expected.rows());
        assertThat(actual.cols()).isEqualTo(expected.cols());
        for (int i = 0; i < actual.size(); i++) {
            float tol = 1e-5f * (1f + bound.data()[i]);
            assertThat(actual.data()[i]).as("element %d", i).isCloseTo(expected.data()[i], org.assertj.core.data.Offset.offset(tol));
        }
    }

    private static Matrix abs(Matrix M) {
        Matrix R = M.copy();
        float[] d = R.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.abs(d[i]);
        }
        return R;
    }

    @Test
    void aSecondCallOfTheSameShapesStartsFromCleanScratch() {
        // W's transposed copy, B's rows and a mini-batch's gradient partial are kept per thread between calls: the
        // second call, on other values, must give the serial result too, not add to what the first left there
        for (int threads : new int[] {1, 2}) {
            Compute par = ParallelCompute.create(threads);
            for (int call = 0; call < 2; call++) {
                Matrix A = random(64, 96, 10 + call, true), B = random(40, 96, 20 + call, false);
                assertClose(par.timesTransB(A, B), Compute.serial().timesTransB(A, B),
                        Compute.serial().timesTransB(abs(A), abs(B)));
                Matrix dZ = random(64, 40, 30 + call, true);
                assertClose(par.times(dZ, B), Compute.serial().times(dZ, B), Compute.serial().times(abs(dZ), abs(B)));
                Matrix dW = new Matrix(40, 96), expected = new Matrix(40, 96), bound = new Matrix(40, 96);
                par.transATimesInto(dZ, A, dW);
                Compute.serial().transATimesInto(dZ, A, expected);
                Compute.serial().transATimesInto(abs(dZ), abs(A), bound);
                assertClose(dW, expected, bound);
            }
        }
    }

    @Test
    void timesTransBMatchesSerialOnRandomShapes() {
        Compute par = ParallelCompute.create(2);
        for (int[] s : SHAPES) {
            Matrix A = random(s[0], s[1], 1, true), B = random(s[2], s[1], 2, false);
            assertClose(par.timesTransB(A, B), Compute.serial().timesTransB(A, B),
                    Compute.serial().timesTransB(abs(A), abs(B)));
        }
    }

    @Test
    void timesMatchesSerialOnRandomShapes() {
        Compute par = ParallelCompute.create(2);
        for (int[] s : SHAPES) {
            Matrix A = random(s[0], s[1], 3, true), B = random(s[1], s[2], 4, false);
            assertClose(par.times(A, B), Compute.serial().times(A, B), Compute.serial().times(abs(A), abs(B)));
        }
    }

    @Test
    void transATimesMatchesSerialOnRandomShapes() {
        Compute par = ParallelCompute.create(2);
        for (int[] s : SHAPES) {
            // A: m × n, B: m × k, as dW = dZᵀ·X
            Matrix A = random(s[0], s[2], 5, true), B = random(s[0], s[1], 6, false);
            Matrix out = random(s[2], s[1], 7, false); // stale values must be overwritten
            Matrix expected = new Matrix(s[2], s[1]), bound = new Matrix(s[2], s[1]);
            Compute.serial().transATimesInto(A, B, expected);
            Compute.serial().transATimesInto(abs(A), abs(B), bound);
            par.transATimesInto(A, B, out);
            assertClose(out, expected, bound);
        }
    }

    @Test
    void transATimesOverManyChunksMatchesSerial() {
        // 5000 rows: more rows than one chunk holds, so partial sums are reduced across chunks
        Matrix A = random(5000, 10, 8, true), B = random(5000, 23, 9, false);
        Matrix out = new Matrix(10, 23), expected = new Matrix(10, 23), bound = new Matrix(10, 23);
        ParallelCompute.create(3).transATimesInto(A, B, out);
        Compute.serial().transATimesInto(A, B, expected);
        Compute.serial().transATimesInto(abs(A), abs(B), bound);
        assertThat(ParallelCompute.reductionChunks(5000, 230)).isGreaterThan(1);
        assertClose(out, expected, bound);
    }

    @Test
    void resultsAreBitwiseIdenticalForOneTwoAndThreeThreads() {
        List<Compute> computes = List.of(ParallelCompute.create(1), ParallelCompute.create(2), ParallelCompute.create(3));
        // the last two are wide-dropout's first layer at batch 64 and the article at batch 32: one chunk, cut into
        // bands of output rows and small row tasks that depend on the thread count
        int[][] shapes = {{5000, 37, 10}, {301, 784, 10}, {97, 19, 45}, {64, 784, 128}, {32, 784, 10}};
        for (int[] s : shapes) {
            Matrix A = random(s[0], s[1], 10, true), B = random(s[2], s[1], 11, false);
            Matrix dZ = random(s[0], s[2], 12, true), W = random(s[2], s[1], 13, false);
            List<Matrix> fwd = new ArrayList<>(), bwdX = new ArrayList<>(), bwdW = new ArrayList<>();
            for (Compute c : computes) {
                fwd.add(c.timesTransB(A, B));
                bwdX.add(c.times(dZ, W));
                Matrix dW = new Matrix(s[2], s[1]);
                c.transATimesInto(dZ, A, dW);
                bwdW.add(dW);
            }
            for (int t = 1; t < computes.size(); t++) {
                // Matrix.equals compares the float bits (Arrays.equals), so this is a bitwise comparison
                assertThat(fwd.get(t)).as("A·Bᵀ, %d threads", t + 1).isEqualTo(fwd.get(0));
                assertThat(bwdX.get(t)).as("dZ·W, %d threads", t + 1).isEqualTo(bwdX.get(0));
                assertThat(bwdW.get(t)).as("dZᵀ·X, %d threads", t + 1).isEqualTo(bwdW.get(0));
            }
        }
    }

    /** x with a share of zeros at scattered places, some of them −0. */
    private static float[] scattered(int size, double zeros, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rng.nextFloat() < zeros ? (rng.nextInt(2) == 0 ? 0f : -0f) : rng.nextFloat() * 2f - 1f;
        }
        return x;
    }

    private static float[][] rows(int count, int width, long seed) {
        float[][] R = new float[count][];
        for (int p = 0; p < count; p++) {
            R[p] = scattered(width, 0.1, seed + p);
        }
        return R;
    }

    @Test
    void addingTheListedNonZeroTermsGivesTheBitsOfTheGroupedSums() {
        // counts that are and are not multiples of four, offsets, strides, and shares of zeros from none to all
        int[][] cases = {{784, 1, 0}, {37, 1, 5}, {64, 128, 3}, {3, 7, 0}, {130, 2, 1}};
        for (int[] c : cases) {
            int count = c[0], stride = c[1], ao = c[2];
            for (double zeros : new double[] {0, 0.3, 0.6, 0.95, 1}) {
                float[] a = scattered(ao + count * stride, zeros, count + stride);
                float[][] R = rows(count + 4, 40, 50);
                float[] grouped = scattered(40, 0, 60), listed = grouped.clone();
                ParallelCompute.combineRows(a, ao, stride, count, R, 4, grouped);
                int[] at = new int[count];
                float[] val = new float[count];
                int n = ParallelCompute.nonZeros(a, ao, stride, count, at, val);
                ParallelCompute.combineListed(at, val, n, R, 4, listed);
                assertThat(n).isLessThanOrEqualTo(count);
                for (int e = 0; e < n; e++) {
                    assertThat(val[e]).isNotZero().isEqualTo(a[ao + at[e] * stride]);
                }
                assertThat(listed).as("count %d, stride %d, %.2f zeros", count, stride, zeros).isEqualTo(grouped);
            }
        }
    }

    @Test
    void productsWithScatteredZerosKeepTheBitsOfTheGroupedChains() {
        // wide-dropout's second layer at batch 64: ReLU and dropout leave 60% zeros, scattered, so both products list
        int m = 64, k = 128, n = 64;
        Matrix A = new Matrix(m, k, scattered(m * k, 0.6, 1));
        Matrix W = random(n, k, 2, false), dZ = new Matrix(m, n, scattered(m * n, 0.6, 3));
        assertThat(ParallelCompute.listed(A.data())).isTrue();
        float[][] Wt = new float[k][n];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                Wt[p][j] = W.data()[j * k + p];
            }
        }
        float[][] rowsOfA = new float[m][];
        for (int i = 0; i < m; i++) {
            rowsOfA[i] = java.util.Arrays.copyOfRange(A.data(), i * k, (i + 1) * k);
        }
        for (int threads : new int[] {1, 2}) {
            ParallelCompute par = ParallelCompute.create(threads);
            Matrix Z = par.timesTransB(A, W);
            Matrix dW = new Matrix(n, k);
            par.transATimesInto(dZ, A, dW);
            for (int i = 0; i < m; i++) {
                float[] want = new float[n];
                ParallelCompute.combineRows(A.data(), i * k, 1, k, Wt, 0, want);
                assertThat(java.util.Arrays.copyOfRange(Z.data(), i * n, (i + 1) * n)).as("Z row %d", i).isEqualTo(want);
            }
            for (int r = 0; r < n; r++) {
                // the grouped weight gradient: rows four at a time from the first, each group one combineRows
                float[] want = new float[k];
                for (int i = 0; i < m; i += 4) {
                    ParallelCompute.combineRows(dZ.data(), i * n + r, n, Math.min(4, m - i), rowsOfA, i, want);
                }
                assertThat(java.util.Arrays.copyOfRange(dW.data(), r * k, (r + 1) * k)).as("dW row %d", r).isEqualTo(want);
            }
        }
    }

    @Test
    void listsOnlyWhereZerosAreManyAndScattered() {
        float[] blankGroups = new float[4096], scatteredZeros = scattered(4096, 0.6, 4), few = scattered(4096, 0.1, 5);
        for (int g = 0; g < 1024; g++) {
            // half of the groups of four blank, as the edges of a picture; the others without zeros
            for (int q = 0; q < 4; q++) {
                blankGroups[4 * g + q] = g % 2 == 0 ? 0f : 1f;
            }
        }
        assertThat(ParallelCompute.listed(blankGroups)).isFalse();
        assertThat(ParallelCompute.listed(scatteredZeros)).isTrue();
        assertThat(ParallelCompute.listed(few)).isFalse();
    }

    @Test
    void reportsItsThreadCount() {
        assertThat(ParallelCompute.create(3).threads()).isEqualTo(3);
        assertThat(Compute.serial().threads()).isEqualTo(1);
    }

    @Test
    void forEachRunsEveryTaskOnceOnSeveralThreads() {
        ParallelCompute pc = ParallelCompute.create(2);
        AtomicIntegerArray runs = new AtomicIntegerArray(200);
        java.util.Set<String> names = ConcurrentHashMap.newKeySet();
        pc.forEach(200, i -> {
            runs.incrementAndGet(i);
            names.add(Thread.currentThread().getName());
            // long enough that the helper thread gets some of the tasks
            long until = System.nanoTime() + 200_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        });
        for (int i = 0; i < 200; i++) {
            assertThat(runs.get(i)).as("task %d", i).isEqualTo(1);
        }
        assertThat(names).hasSize(2);
    }

    @Test
    void aCallFromInsideATaskRunsItsTasksOnThatThread() {
        ParallelCompute pc = ParallelCompute.create(2);
        AtomicIntegerArray runs = new AtomicIntegerArray(8 * 8);
        pc.forEach(8, i -> pc.forEach(8, j -> runs.incrementAndGet(i * 8 + j)));   // the helpers are busy: no deadlock
        for (int k = 0; k < 64; k++) {
            assertThat(runs.get(k)).as("task %d", k).isEqualTo(1);
        }
    }

    @Test
    void forEachRethrowsATaskFailure() {
        ParallelCompute pc = ParallelCompute.create(2);
        assertThatThrownBy(() -> pc.forEach(50, i -> {
            if (i == 17) {
                throw new IllegalStateException("task 17 failed");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("task 17 failed");
    }

    @Test
    void rejectsShapesThatDoNotChain() {
        Compute par = ParallelCompute.create(2);
        assertThatThrownBy(() -> par.timesTransB(new Matrix(2, 3), new Matrix(2, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2x3").hasMessageContaining("2x4");
        assertThatThrownBy(() -> par.times(new Matrix(2, 3), new Matrix(2, 4)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> par.transATimesInto(new Matrix(2, 3), new Matrix(3, 4), new Matrix(3, 4)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ParallelCompute.create(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
