package dev.sinapse.kernels;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Matrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link Compute} products as register-tiled Vector API kernels, in two forms.
 *
 * <p><b>Dot products</b> (A·Bᵀ, a dense layer's forward pass, both operands' rows contiguous): C(i, j) is the
 * {@linkplain #finish lane chain} of row i of A and row j of B. A tile of {@value #MR} rows × {@value #NR} units keeps
 * twelve eight-lane sums in registers while p runs: seven loads feed twelve multiply-adds, and no copy of B is
 * made (the transposition it replaced cost a sixth of a wide-dropout step).
 *
 * <p><b>Sums of scaled rows</b> (A·B and Aᵀ·B: dX = dZ·W, dW = dZᵀ·X): row r of C is Σ_t a(r, t)·(row t of B) over
 * the t whose a(r, t) is not 0, listed first and added in ascending order, eight vectors of the row in registers.
 * ReLU and dropout leave ~60% of dZ at exactly 0, scattered, so each row skips its own zeros.
 *
 * <p>Determinism: every element of C has one chain fixed by the shapes, whichever tile, task or thread computes
 * it, so 1, 2 or N threads give the same bits. A skipped term adds exactly nothing (fma(0, b, s) = s for finite b,
 * and s is never −0: it starts at +0), so the scaled-row sums are the plain ascending chains and do not depend on
 * the vector width either; the dot products always use eight lanes, so theirs do not depend on it. The chains differ from
 * {@link ParallelCompute}'s by rounding, which is why the kernel using this compute has a name of its own.
 */
final class VectorCompute implements Compute {
    /** The dot products' lanes: eight on every CPU, since a dot product's bits depend on its lane count. */
    private static final VectorSpecies<Float> D = FloatVector.SPECIES_256;
    private static final int DL = 8;
    /** The scaled-row sums' vectors: the CPU's widest (a lane's chain does not depend on how many lanes there are). */
    private static final VectorSpecies<Float> V = VectorWidth.floats();
    private static final int VL = V.length();
    /** Rows × units of a dot tile: twelve accumulators and their seven operands fit AVX2's sixteen registers. */
    private static final int MR = 4, NR = 3;
    /** Columns of a scaled-row band: eight vectors in registers. */
    private static final int BAND = 8 * VL;
    /** Rows of C in a scaled-row work unit (a unit is these rows over a group of bands). */
    private static final int ROW_CHUNK = 16;
    /** Terms t a scaled-row pass lists at a time, so the rows of B they touch stay in cache (a full batch has 41,000). */
    private static final int DEPTH_BLOCK = 64;
    /** Multiply-adds worth a task of their own: below this, a second thread costs more than it saves. */
    static final long WORK_PER_TASK = 1L << 18;

    /** Copies of the forward tile, each compiled on its own ({@link DotTile}). */
    private static final DotTile.Kernel[] TILES = DotTile.copies(3);

    private final ParallelCompute pool;
    /** Per product shape, which tile copy runs fastest. */
    private final java.util.Map<Long, Fastest> choosers = new java.util.concurrent.ConcurrentHashMap<>();

    VectorCompute(int threads) {
        this.pool = ParallelCompute.create(threads);
    }

    @Override
    public int threads() {
        return pool.threads();
    }

    /** Layer work split by sample (convolution, pooling) runs on the same threads as the products. */
    @Override
    public void forEach(int tasks, java.util.function.IntConsumer task) {
        pool.forEach(tasks, task);
    }

    /** A·Bᵀ: each C(i, j) the lane chain of row i of A and row j of B, in tiles of four rows × three units. */
    @Override
    public Matrix timesTransB(Matrix A, Matrix B) {
        int m = A.rows(), k = A.cols(), n = B.rows();
        check(B.cols() == k, "timesTransB", A, B);
        Matrix C = new Matrix(m, n);
        float[] a = A.data(), b = B.data(), c = C.data();
        int rowTiles = (m + MR - 1) / MR, unitTiles = (n + NR - 1) / NR;
        int tiles = rowTiles * unitTiles;
        int per = (tiles + tasks(tiles, (long) m * n * k) - 1) / tasks(tiles, (long) m * n * k);
        Fastest chooser = fastest(m, k, n);
        int copy = chooser.next();
        DotTile.Kernel tile = TILES[copy];
        long start = System.nanoTime();
        pool.forEach((tiles + per - 1) / per, t -> {
            float[] lanes = new float[MR * NR * DL];
            for (int u = t * per, end = Math.min(tiles, u + per); u < end; u++) {
                int i = u / unitTiles * MR, j = u % unitTiles * NR;
                int rows = Math.min(MR, m - i), units = Math.min(NR, n - j);
                if (rows == MR && units == NR) {
                    tile.dots4x3(a, i * k, b, j * k, k, lanes);
                } else if (rows == MR) {
                    for (int q = 0; q < units; q++) {
                        dots4x1(a, i * k, b, (j + q) * k, k, lanes, q);
                    }
                } else {
                    for (int r = 0; r < rows; r++) {
                        for (int q = 0; q < units; q++) {
                            dots1x1(a, (i + r) * k, b, (j + q) * k, k, lanes, r * NR + q);
                        }
                    }
                }
                for (int r = 0; r < rows; r++) {
                    for (int q = 0; q < units; q++) {
                        c[(i + r) * n + j + q] = finish(lanes, (r * NR + q) * DL, a, (i + r) * k, b, (j + q) * k, k);
                    }
                }
            }
        });
        chooser.took(copy, System.nanoTime() - start);
        return C;
    }

    /** The chooser of tile copies for products of this shape (their speeds are compared on the same work). */
    private Fastest fastest(int m, int k, int n) {
        long key = (long) m << 42 ^ (long) k << 21 ^ n;
        return choosers.computeIfAbsent(key, x -> new Fastest(TILES.length));
    }

    /**
     * Which of several identical tile copies to run: each in turn for the first calls, then the one with the least
     * recent time, with one call in {@value #EXPLORE} given to each other copy in turn, so that a copy compiled late
     * (or recompiled) is seen. Only speed depends on it.
     */
    static final class Fastest {
        static final int EXPLORE = 16;
        private final long[] nanos;
        private long calls;

        Fastest(int copies) {
            nanos = new long[copies];
        }

        int next() {
            long c = calls++;
            int copies = nanos.length;
            if (c < 4L * copies || c % EXPLORE == 0) {
                return (int) (c < 4L * copies ? c % copies : c / EXPLORE % copies);
            }
            int best = 0;
            for (int i = 1; i < copies; i++) {
                best = nanos[i] < nanos[best] ? i : best;
            }
            return best;
        }

        void took(int copy, long time) {
            // the latest time, halved towards the last: a single slow call (a pause, the other thread busy) weighs half
            nanos[copy] = nanos[copy] == 0 ? time : (nanos[copy] + time) / 2;
        }
    }

    /**
     * The end of a lane chain, whose eight lanes are at lanes[o..o+8). The lane chain of a[ao..ao+k) and b[bo..bo+k):
     * lane l sums a[p]·b[p] for p ≡ l (mod 8) below k − k mod 8 in ascending p, one fused multiply-add each, from +0;
     * the lanes are added pairwise, (((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7))); the last k mod 8 terms follow
     * as fused multiply-adds in ascending p.
     */
    private static float finish(float[] lanes, int o, float[] a, int ao, float[] b, int bo, int k) {
        float s = VectorBlocks.sum8(lanes, o);
        for (int p = k - k % DL; p < k; p++) {
            s = Math.fma(a[ao + p], b[bo + p], s);
        }
        return s;
    }

    /** Rows a0..a0+3 against one unit: four lane sums into lanes[(r·3 + q)·8 ..], for the units past the threes. */
    private static void dots4x1(float[] a, int a0, float[] b, int b0, int k, float[] lanes, int q) {
        int a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        FloatVector s0 = FloatVector.zero(D), s1 = FloatVector.zero(D);
        FloatVector s2 = FloatVector.zero(D), s3 = FloatVector.zero(D);
        for (int p = 0; p + DL <= k; p += DL) {
            FloatVector w = FloatVector.fromArray(D, b, b0 + p);
            s0 = FloatVector.fromArray(D, a, a0 + p).fma(w, s0);
            s1 = FloatVector.fromArray(D, a, a1 + p).fma(w, s1);
            s2 = FloatVector.fromArray(D, a, a2 + p).fma(w, s2);
            s3 = FloatVector.fromArray(D, a, a3 + p).fma(w, s3);
        }
        s0.intoArray(lanes, q * DL);
        s1.intoArray(lanes, (NR + q) * DL);
        s2.intoArray(lanes, (2 * NR + q) * DL);
        s3.intoArray(lanes, (3 * NR + q) * DL);
    }

    /** One row against one unit: its lane sums into lanes[e·8 ..], for the rows past the fours. */
    private static void dots1x1(float[] a, int a0, float[] b, int b0, int k, float[] lanes, int e) {
        FloatVector s = FloatVector.zero(D);
        for (int p = 0; p + DL <= k; p += DL) {
            s = FloatVector.fromArray(D, a, a0 + p).fma(FloatVector.fromArray(D, b, b0 + p), s);
        }
        s.intoArray(lanes, e * DL);
    }

    /** A·B: row i of C is Σ_p A(i, p)·(row p of B), A's rows listed. */
    @Override
    public Matrix times(Matrix A, Matrix B) {
        int m = A.rows(), k = A.cols(), n = B.cols();
        check(B.rows() == k, "times", A, B);
        Matrix C = new Matrix(m, n);
        scaledRows(A.data(), k, 1, m, k, B.data(), n, C.data());
        return C;
    }

    /** Aᵀ·B (n × k): row r is Σ_i A(i, r)·(row i of B), A's columns listed. */
    @Override
    public void transATimesInto(Matrix A, Matrix B, Matrix out) {
        int m = A.rows(), n = A.cols(), k = B.cols();
        check(B.rows() == m && out.rows() == n && out.cols() == k, "transATimes", A, B);
        scaledRows(A.data(), 1, n, n, m, B.data(), k, out.data());
    }

    /**
     * c[r·w + j] = Σ_t a[r·ars + t·ats] · b[t·w + j] for r below {@code rows}, t below {@code depth}, j below w: each
     * element the ascending fused multiply-add chain from +0 over the t whose a term is not 0. t runs in blocks of
     * {@value #DEPTH_BLOCK}, the sums carried in c between blocks; each row lists a block's terms once for all the
     * columns its task covers (listing per band of columns cost more than a mini-batch's multiply-adds). Tasks are
     * chunks of {@value #ROW_CHUNK} rows, cut further into groups of bands only where the rows alone give too few
     * (the article's ten units over a full batch).
     */
    private void scaledRows(float[] a, int ars, int ats, int rows, int depth, float[] b, int w, float[] c) {
        if (rows == 0 || w == 0 || depth == 0) {
            java.util.Arrays.fill(c, 0, rows * w, 0f);
            return;
        }
        int chunks = (rows + ROW_CHUNK - 1) / ROW_CHUNK, bands = (w + BAND - 1) / BAND;
        int wanted = tasks(Long.MAX_VALUE, (long) rows * depth * w);
        int groups = Math.min(bands, Math.max(1, (wanted + chunks - 1) / chunks));
        int perGroup = (bands + groups - 1) / groups;
        groups = (bands + perGroup - 1) / perGroup;
        int units = chunks * groups;
        int per = (units + Math.min(units, wanted) - 1) / Math.min(units, wanted);
        pool.forEach((units + per - 1) / per, task -> {
            int[] at = new int[DEPTH_BLOCK];
            float[] val = new float[DEPTH_BLOCK];
            for (int u = task * per, last = Math.min(units, u + per); u < last; u++) {
                int j0 = u / chunks * perGroup * BAND, j1 = Math.min(w, j0 + perGroup * BAND);
                int r0 = u % chunks * ROW_CHUNK, r1 = Math.min(rows, r0 + ROW_CHUNK);
                // each unit clears its own part of c, on its own thread: dW1 of wide-dropout is 400 KB, and clearing
                // it all on the caller before the tasks kept the other threads waiting
                for (int r = r0; r < r1; r++) {
                    java.util.Arrays.fill(c, r * w + j0, r * w + j1, 0f);
                }
                for (int t0 = 0; t0 < depth; t0 += DEPTH_BLOCK) {
                    int t1 = Math.min(depth, t0 + DEPTH_BLOCK);
                    for (int r = r0; r < r1; r++) {
                        int count = 0;
                        for (int t = t0; t < t1; t++) {
                            float v = a[r * ars + t * ats];
                            at[count] = t * w;
                            val[count] = v;
                            count += v != 0f ? 1 : 0;   // no branch to mispredict on scattered zeros
                        }
                        if (count > 0) {
                            addScaled(at, val, count, b, c, r * w, j0, j1);
                        }
                    }
                }
            }
        });
    }

    /**
     * c[co + j] += Σ_e val[e]·b[at[e] + j] for j in [j0, j1), e ascending: eight vectors at a time in registers,
     * then four, two, one, then single columns, every column the same chain.
     */
    private static void addScaled(int[] at, float[] val, int count, float[] b, float[] c, int co, int j0, int j1) {
        int j = j0;
        for (; j + 8 * VL <= j1; j += 8 * VL) {
            add8(at, val, count, b, c, co, j);
        }
        for (; j + 2 * VL <= j1; j += 2 * VL) {
            add2(at, val, count, b, c, co, j);
        }
        for (; j + VL <= j1; j += VL) {
            FloatVector s = FloatVector.fromArray(V, c, co + j);
            for (int e = 0; e < count; e++) {
                s = FloatVector.fromArray(V, b, at[e] + j).fma(FloatVector.broadcast(V, val[e]), s);
            }
            s.intoArray(c, co + j);
        }
        for (; j < j1; j++) {
            float s = c[co + j];
            for (int e = 0; e < count; e++) {
                s = Math.fma(b[at[e] + j], val[e], s);
            }
            c[co + j] = s;
        }
    }

    private static void add8(int[] at, float[] val, int count, float[] b, float[] c, int co, int j) {
        int o = co + j;
        FloatVector s0 = FloatVector.fromArray(V, c, o), s1 = FloatVector.fromArray(V, c, o + VL);
        FloatVector s2 = FloatVector.fromArray(V, c, o + 2 * VL), s3 = FloatVector.fromArray(V, c, o + 3 * VL);
        FloatVector s4 = FloatVector.fromArray(V, c, o + 4 * VL), s5 = FloatVector.fromArray(V, c, o + 5 * VL);
        FloatVector s6 = FloatVector.fromArray(V, c, o + 6 * VL), s7 = FloatVector.fromArray(V, c, o + 7 * VL);
        for (int e = 0; e < count; e++) {
            int bo = at[e] + j;
            FloatVector v = FloatVector.broadcast(V, val[e]);
            s0 = FloatVector.fromArray(V, b, bo).fma(v, s0);
            s1 = FloatVector.fromArray(V, b, bo + VL).fma(v, s1);
            s2 = FloatVector.fromArray(V, b, bo + 2 * VL).fma(v, s2);
            s3 = FloatVector.fromArray(V, b, bo + 3 * VL).fma(v, s3);
            s4 = FloatVector.fromArray(V, b, bo + 4 * VL).fma(v, s4);
            s5 = FloatVector.fromArray(V, b, bo + 5 * VL).fma(v, s5);
            s6 = FloatVector.fromArray(V, b, bo + 6 * VL).fma(v, s6);
            s7 = FloatVector.fromArray(V, b, bo + 7 * VL).fma(v, s7);
        }
        s0.intoArray(c, o);
        s1.intoArray(c, o + VL);
        s2.intoArray(c, o + 2 * VL);
        s3.intoArray(c, o + 3 * VL);
        s4.intoArray(c, o + 4 * VL);
        s5.intoArray(c, o + 5 * VL);
        s6.intoArray(c, o + 6 * VL);
        s7.intoArray(c, o + 7 * VL);
    }

    private static void add2(int[] at, float[] val, int count, float[] b, float[] c, int co, int j) {
        int o = co + j;
        FloatVector s0 = FloatVector.fromArray(V, c, o), s1 = FloatVector.fromArray(V, c, o + VL);
        for (int e = 0; e < count; e++) {
            int bo = at[e] + j;
            FloatVector v = FloatVector.broadcast(V, val[e]);
            s0 = FloatVector.fromArray(V, b, bo).fma(v, s0);
            s1 = FloatVector.fromArray(V, b, bo + VL).fma(v, s1);
        }
        s0.intoArray(c, o);
        s1.intoArray(c, o + VL);
    }

    /**
     * How many tasks {@code work} multiply-adds over {@code units} work units are worth: one on one thread, or when the
     * work is small (a hand-off to another thread costs microseconds); else four a thread, so that no thread waits
     * long for the last, but never under {@value #WORK_PER_TASK} multiply-adds each. Only speed depends on it: every
     * element's chain is fixed.
     */
    private int tasks(long units, long work) {
        long byWork = Math.max(1, work / WORK_PER_TASK);
        return (int) Math.max(1, Math.min(units, pool.threads() == 1 ? 1 : Math.min(byWork, 4L * pool.threads())));
    }

    private static void check(boolean ok, String op, Matrix A, Matrix B) {
        if (!ok) {
            throw new IllegalArgumentException(op + ": shapes " + A.shape() + " and " + B.shape() + " do not chain");
        }
    }

    @Override
    public String toString() {
        return "vector(" + pool.threads() + " threads, " + V.vectorBitSize() + "-bit)";
    }
}
