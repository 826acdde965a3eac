package dev.sinapse.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Vector API products against their definitions, computed here one term at a time with {@link Math#fma}: A·B
 * and Aᵀ·B give each element the fused multiply-add chain over p in ascending order from +0; A·Bᵀ the lane chain
 * (eight chains over p mod 8, added pairwise, then the terms past the last eight). Exact equality covers the
 * register tiles, their edges, the depth blocks, the bands and the zero skipping at once.
 */
class VectorComputeTest {
    /** m, k, n: sizes that do not divide the tile, one row, the article's thin shape, wide-dropout's, p blocks. */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {3, 5, 7}, {17, 13, 9}, {33, 31, 10}, {129, 37, 3}, {70, 1, 65}, {1, 100, 1}, {64, 784, 128},
        {301, 784, 10}, {9, 600, 40}, {64, 128, 64}, {150, 70, 200}, {5, 25, 6},
    };

    @BeforeAll
    static void vectorApi() {
        assumeTrue(VectorApi.unavailable().isEmpty(), "the Vector API cannot run here");
    }

    /** share of entries exactly 0, the rest uniform in (−1, 1). */
    private static Matrix random(int rows, int cols, long seed, double zeros) {
        Rng rng = new Rng(seed);
        Matrix M = new Matrix(rows, cols);
        float[] d = M.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextFloat() < zeros ? 0f : rng.nextFloat() * 2f - 1f;
        }
        return M;
    }

    /** C(i, j) = Σ_p A(i, p)·B(p, j) as one fma chain, A and B given by element functions. */
    private interface Element {
        float at(int r, int c);
    }

    private static Matrix chain(int rows, int depth, int cols, Element a, Element b) {
        Matrix C = new Matrix(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float s = 0f;
                for (int p = 0; p < depth; p++) {
                    s = Math.fma(a.at(i, p), b.at(p, j), s);
                }
                C.set(i, j, s);
            }
        }
        return C;
    }

    /** C(i, j) = the lane chain of row i of A and row j of B (both k long). */
    private static Matrix laneChain(Matrix A, Matrix B) {
        int m = A.rows(), k = A.cols(), n = B.rows();
        Matrix C = new Matrix(m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float[] lane = new float[8];
                int whole = k / 8 * 8;
                for (int p = 0; p < whole; p++) {
                    lane[p % 8] = Math.fma(A.get(i, p), B.get(j, p), lane[p % 8]);
                }
                float s = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
                for (int p = whole; p < k; p++) {
                    s = Math.fma(A.get(i, p), B.get(j, p), s);
                }
                C.set(i, j, s);
            }
        }
        return C;
    }

    private static void assertBitwise(Matrix actual, Matrix expected, String what) {
        assertThat(actual.rows()).isEqualTo(expected.rows());
        assertThat(actual.cols()).isEqualTo(expected.cols());
        for (int i = 0; i < actual.size(); i++) {
            if (Float.floatToRawIntBits(actual.data()[i]) != Float.floatToRawIntBits(expected.data()[i])) {
                throw new AssertionError(what + ": element " + i + " is " + actual.data()[i] + ", the chain gives "
                        + expected.data()[i]);
            }
        }
    }

    @Test
    void productsUse256BitVectorsUnless512AreAskedForAndTheCpuHasThem() {
        // 512-bit products ran a wide-dropout epoch 14x slower than 256-bit ones on an AVX-512 Xeon (JDK 17)
        assertThat(VectorWidth.floats("", 512).vectorBitSize()).isEqualTo(256);
        assertThat(VectorWidth.floats("", 256).vectorBitSize()).isEqualTo(256);
        assertThat(VectorWidth.floats("512", 512).vectorBitSize()).isEqualTo(512);
        assertThat(VectorWidth.floats("512", 256).vectorBitSize()).as("capped at the CPU's").isEqualTo(256);
        assertThat(VectorWidth.floats("256", 512).vectorBitSize()).isEqualTo(256);
    }

    @Test
    void everyProductIsTheAscendingFmaChainAtAnyThreadCountAndSparsity() {
        for (int threads : new int[] {1, 2, 3}) {
            Compute v = new VectorCompute(threads);
            for (double zeros : new double[] {0.0, 0.6, 1.0}) {
                for (int[] s : SHAPES) {
                    int m = s[0], k = s[1], n = s[2];
                    String at = "threads " + threads + ", zeros " + zeros + ", " + m + "×" + k + "×" + n;
                    Matrix A = random(m, k, 1, zeros), B = random(n, k, 2, 0.1);
                    assertBitwise(v.timesTransB(A, B), laneChain(A, B), "A·Bᵀ " + at);

                    Matrix Bk = random(k, n, 3, 0.1);
                    assertBitwise(v.times(A, Bk), chain(m, k, n, A::get, Bk::get), "A·B " + at);

                    // the weight gradient dZᵀ·X: dZ is m × n, with ReLU's and dropout's scattered zeros
                    Matrix dZ = random(m, n, 4, zeros), out = new Matrix(n, k);
                    out.fill(Float.NaN); // every element overwritten, never added to
                    v.transATimesInto(dZ, A, out);
                    assertBitwise(out, chain(n, m, k, (r, i) -> dZ.get(i, r), A::get), "Aᵀ·B " + at);
                }
            }
        }
    }

    @Test
    void theTileCopiesAreCompiledApartAndGiveTheSameBits() {
        DotTile.Kernel[] copies = DotTile.copies(3);
        assertThat(copies).hasSize(3);
        assertThat(copies[1].getClass()).isNotSameAs(copies[0].getClass()).isNotSameAs(copies[2].getClass());
        assertThat(copies[1].getClass().getName()).isEqualTo(copies[0].getClass().getName());
        Matrix A = random(4, 100, 5, 0.3), B = random(3, 100, 6, 0);
        float[] want = new float[96];
        copies[0].dots4x3(A.data(), 0, B.data(), 0, 100, want);
        assertThat(want).as("the tile wrote its sums").isNotEqualTo(new float[96]);
        for (DotTile.Kernel c : copies) {
            float[] got = new float[96];
            c.dots4x3(A.data(), 0, B.data(), 0, 100, got);
            assertThat(got).isEqualTo(want);
        }
    }

    @Test
    void theChooserTriesEveryCopyThenRunsTheFastestAndStillLooksAtTheOthers() {
        VectorCompute.Fastest f = new VectorCompute.Fastest(3);
        long[] time = {300, 100, 200};
        int[] runs = new int[3];
        for (int call = 0; call < 160; call++) {
            int copy = f.next();
            runs[copy]++;
            f.took(copy, time[copy]);
        }
        assertThat(runs[1]).isGreaterThan(140);
        assertThat(runs[0]).isBetween(5, 10);
        assertThat(runs[2]).isBetween(5, 10);
        // copy 2 gets faster (compiled late): within a few of its explored calls it takes over
        time[2] = 50;
        int[] later = new int[3];
        for (int call = 0; call < 300; call++) {
            int copy = f.next();
            later[copy] += call >= 200 ? 1 : 0;
            f.took(copy, time[copy]);
        }
        assertThat(later[2]).as("of the last 100 calls").isGreaterThan(90);
    }
}
