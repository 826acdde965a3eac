package dev.sinapse.kernels;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Matrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link Compute} products as register-tiled Vector API kernels.
 *
 * <p>All three products are one operation, C(i, j) = Σ_p A(i, p)·B(p, j) with B's rows contiguous, A read through
 * strides (so Aᵀ costs no copy). A tile of {@value #MR} rows × two vectors of C lives in registers while p runs:
 * each B vector loaded feeds {@value #MR} multiply-adds, each broadcast of A two.
 *
 * <p>Every element of C is one fused multiply-add chain over p in ascending order, started from +0. Hence:
 * <ul>
 *   <li>results do not depend on how the tiles are cut into tasks, so 1, 2 or N threads give the same bits, and the
 *       same bits at any vector width (a lane's arithmetic does not know how many lanes there are);</li>
 *   <li>a term whose A(i, p) is 0 adds exactly nothing (fma(0, b, s) = s for finite b, and s is never −0), so
 *       skipping zeros, which pays on pixels (most of MNIST is 0), cannot change a bit. A product whose A is
 *       mostly zeros runs the skipping loop; the weight gradient Xᵀ-side is turned round so the pixels are its A.</li>
 * </ul>
 * The chains differ from {@link ParallelCompute}'s by rounding, which is why the kernel using this compute has a
 * name of its own.
 */
final class VectorCompute implements Compute {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();
    /** Columns of C per tile: two vectors. */
    private static final int NR = 2 * L;
    /** Rows of C per tile: 4 × 2 accumulators, 2 loads and a broadcast fit 16 vector registers. */
    private static final int MR = 4;
    /** p runs in blocks so the B rows a task sweeps stay in cache; C tiles are reloaded between blocks. */
    private static final int P_BLOCK = 256;
    /** Multiply-adds worth a task of their own: below this, a second thread costs more than it saves. */
    static final long WORK_PER_TASK = 1L << 19;
    /** Above this share of zeros in A, the zero-skipping loop runs. */
    private static final double SPARSE = 0.75;

    private final ParallelCompute pool;

    VectorCompute(int threads) {
        this.pool = ParallelCompute.create(threads);
    }

    static boolean supported() {
        return VectorWidth.supported();
    }

    @Override
    public int threads() {
        return pool.threads();
    }

    /** Layer work split by sample (convolution, pooling) runs on the same threads as the products. */
    public void forEach(int tasks, java.util.function.IntConsumer task) {
        pool.forEach(tasks, task);
    }

    /** A·Bᵀ: B (n × k) is turned into k × n once, then C = A·(Bᵀ). */
    @Override
    public Matrix timesTransB(Matrix A, Matrix B) {
        int m = A.rows(), k = A.cols(), n = B.rows();
        check(B.cols() == k, "timesTransB", A, B);
        Matrix C = new Matrix(m, n);
        product(A.data(), k, 1, m, k, transpose(B.data(), n, k), n, C.data(), n);
        return C;
    }

    /** A·B: B (k × n) is already row-major in p. */
    @Override
    public Matrix times(Matrix A, Matrix B) {
        int m = A.rows(), k = A.cols(), n = B.cols();
        check(B.rows() == k, "times", A, B);
        Matrix C = new Matrix(m, n);
        product(A.data(), k, 1, m, k, B.data(), n, C.data(), n);
        return C;
    }

    /**
     * Aᵀ·B (n × k) = Σ_i (row i of A)ᵀ ⊗ (row i of B). When B is the sparser side (pixels under a weight
     * gradient), the product is computed turned round, Bᵀ·A (k × n), so that B's zeros are the skipped A terms,
     * and then transposed; each element is the same chain over i either way.
     */
    @Override
    public void transATimesInto(Matrix A, Matrix B, Matrix out) {
        int m = A.rows(), n = A.cols(), k = B.cols();
        check(B.rows() == m && out.rows() == n && out.cols() == k, "transATimes", A, B);
        float[] a = A.data(), b = B.data();
        if (zeroShare(b) > SPARSE && zeroShare(b) > zeroShare(a)) {
            float[] turned = new float[k * n];
            product(b, 1, k, k, m, a, n, turned, n);
            float[] c = out.data();
            for (int j = 0; j < k; j++) {
                for (int r = 0; r < n; r++) {
                    c[r * k + j] = turned[j * n + r];
                }
            }
        } else {
            product(a, 1, n, n, m, b, k, out.data(), k);
        }
    }

    /**
     * c[i·ldc + j] = Σ_{p < depth} a[i·ars + p·aps] · b[p·ldb + j] for i < rows, j < ldc (C's width). The
     * (row tile, column strip) pairs are cut into tasks by the amount of work, not by the thread count.
     */
    private void product(float[] a, int ars, int aps, int rows, int depth, float[] b, int ldb, float[] c, int ldc) {
        int cols = ldc;
        if (rows == 0 || cols == 0) {
            return;
        }
        java.util.Arrays.fill(c, 0, rows * ldc, 0f);
        boolean skipZeros = zeroShare(a) > SPARSE;
        int rowTiles = (rows + MR - 1) / MR, strips = (cols + NR - 1) / NR;
        int units = rowTiles * strips;
        long work = (long) rows * cols * depth;
        int tasks = (int) Math.max(1, Math.min(units, Math.min(64, work / WORK_PER_TASK)));
        int perTask = (units + tasks - 1) / tasks;
        int taskCount = (units + perTask - 1) / perTask;
        pool.forEach(taskCount, t -> {
            int u0 = t * perTask, u1 = Math.min(units, u0 + perTask);
            int[] visit = new int[P_BLOCK];
            for (int p0 = 0; p0 < depth; p0 += P_BLOCK) {
                int p1 = Math.min(depth, p0 + P_BLOCK);
                int listed = -1, count = 0;   // the row tile whose p are in visit, and how many
                for (int u = u0; u < u1; u++) {
                    int i = (u / strips) * MR, j = (u % strips) * NR;
                    if (i + MR <= rows && j + NR <= cols) {
                        if (listed != i) {
                            // once per row tile and block, shared by the tile's column strips
                            count = visits(a, ars, aps, i, p0, p1, skipZeros, visit);
                            listed = i;
                        }
                        tile(a, ars, aps, i, b, ldb, j, c, ldc, visit, count);
                    } else {
                        for (int r = i; r < Math.min(rows, i + MR); r++) {
                            edge(a, ars, aps, r, p0, p1, b, ldb, j, Math.min(cols, j + NR), c, ldc);
                        }
                    }
                }
            }
        });
    }

    /**
     * The p in [p0, p1) a tile of rows i..i+3 visits: all of them, or those where one of the four rows is not 0.
     * Listing them first keeps the vector loop free of branches, which C2 needs to keep the accumulators in registers.
     */
    private static int visits(float[] a, int ars, int aps, int i, int p0, int p1, boolean skipZeros, int[] visit) {
        int a0 = i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        int count = 0;
        for (int p = p0; p < p1; p++) {
            int ap = p * aps;
            if (!skipZeros || a[a0 + ap] != 0f || a[a1 + ap] != 0f || a[a2 + ap] != 0f || a[a3 + ap] != 0f) {
                visit[count++] = p;
            }
        }
        return count;
    }

    /** A full MR × NR tile of C over the listed p, continuing the sums C holds. */
    private static void tile(float[] a, int ars, int aps, int i, float[] b, int ldb, int j, float[] c, int ldc,
                             int[] visit, int count) {
        int c0 = i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        // C holds +0 before the first block (product() clears it), so every block starts from what C holds
        FloatVector s00 = FloatVector.fromArray(S, c, c0), s01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector s10 = FloatVector.fromArray(S, c, c1), s11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector s20 = FloatVector.fromArray(S, c, c2), s21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector s30 = FloatVector.fromArray(S, c, c3), s31 = FloatVector.fromArray(S, c, c3 + L);
        int a0 = i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        for (int q = 0; q < count; q++) {
            int p = visit[q], ap = p * aps, bp = p * ldb + j;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector v = FloatVector.broadcast(S, a[a0 + ap]);
            s00 = b0.fma(v, s00);
            s01 = b1.fma(v, s01);
            v = FloatVector.broadcast(S, a[a1 + ap]);
            s10 = b0.fma(v, s10);
            s11 = b1.fma(v, s11);
            v = FloatVector.broadcast(S, a[a2 + ap]);
            s20 = b0.fma(v, s20);
            s21 = b1.fma(v, s21);
            v = FloatVector.broadcast(S, a[a3 + ap]);
            s30 = b0.fma(v, s30);
            s31 = b1.fma(v, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
    }

    /**
     * One row of C, columns [j, end) with end − j ≤ NR: the tiles that do not fit. Scalar fused multiply-adds, the
     * same chain as a lane's; JDK 17 runs the masked vector loads and stores of AVX2 in Java code (12% of a
     * wide-dropout step went to its output layer's 10 columns).
     */
    private static void edge(float[] a, int ars, int aps, int i, int p0, int p1, float[] b, int ldb, int j, int end,
                             float[] c, int ldc) {
        int ci = i * ldc, ai = i * ars;
        for (int col = j; col < end; col++) {
            float s = c[ci + col];
            for (int p = p0; p < p1; p++) {
                s = Math.fma(a[ai + p * aps], b[p * ldb + col], s);
            }
            c[ci + col] = s;
        }
    }

    /** The n × k row-major b as k × n, bands of its k rows on the threads (it is as large as W, every step). */
    private float[] transpose(float[] b, int n, int k) {
        float[] t = new float[k * n];
        int band = Math.max(64, (k + 2 * pool.threads() - 1) / (2 * pool.threads()));
        pool.forEach((k + band - 1) / band, q -> {
            for (int p = q * band, end = Math.min(k, p + band); p < end; p++) {
                for (int j = 0; j < n; j++) {
                    t[p * n + j] = b[j * k + p];
                }
            }
        });
        return t;
    }

    /** The share of exact zeros in x, from a sample of at most 4,096 evenly spaced entries: a cheap, fixed guess. */
    static double zeroShare(float[] x) {
        if (x.length == 0) {
            return 0;
        }
        int step = Math.max(1, x.length / 4096);
        int seen = 0, zeros = 0;
        for (int q = 0; q < x.length; q += step) {
            seen++;
            if (x[q] == 0f) {
                zeros++;
            }
        }
        return (double) zeros / seen;
    }

    private static void check(boolean ok, String op, Matrix A, Matrix B) {
        if (!ok) {
            throw new IllegalArgumentException(op + ": shapes " + A.shape() + " and " + B.shape() + " do not chain");
        }
    }

    @Override
    public String toString() {
        return "vector(" + pool.threads() + " threads, " + S.vectorBitSize() + "-bit)";
    }
}
