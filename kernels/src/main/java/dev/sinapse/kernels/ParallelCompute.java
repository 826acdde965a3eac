package dev.sinapse.kernels;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Matrix;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The {@link Compute} products on a fixed pool of daemon threads, with loops HotSpot's C2 turns into SIMD code.
 *
 * <p>Determinism: work is cut into chunks whose boundaries depend only on the shapes, never on the thread
 * count; a chunk's arithmetic is the same whichever thread runs it, and partial sums are added in chunk order.
 * So 1, 2 or 3 threads give bitwise the same matrices (the results differ from {@link Compute#serial()} only
 * by float rounding: products are summed four terms at a time with fused multiply-adds).
 *
 * <p>Why the loops look the way they do: on JDK 17, C2 vectorises {@code c[j] = fma(a, r[j], c[j])} only when
 * every array in the loop is indexed by the same {@code j} from 0 (an offset such as {@code data[i * n + j]}
 * in one array and not the others stops it), and it cannot vectorise a float sum reduction. So rows are copied
 * into, or accumulated in, their own arrays, and every product is written as a sum of scaled rows (axpy),
 * never as dot products.
 */
public final class ParallelCompute implements Compute {
    /** At most this many chunks in a reduction, so the partial sums stay small. */
    private static final int MAX_CHUNKS = 64;
    /** Rows per chunk of a row-parallel product. */
    private static final int ROWS_PER_TASK = 64;
    /** Multiply-adds a task must carry to be worth a hand-off to another thread. */
    private static final long MIN_TASK_WORK = 1L << 15;
    /** Below this many outputs per row, A·Bᵀ uses dot products. */
    private static final int NARROW = 64;
    /**
     * At least this share of zeros, scattered, in the side whose values scale the rows (ReLU and dropout outputs, a
     * weight gradient's dZ), and a product lists each row's non-zero terms first and adds only those ({@link #listed},
     * {@link #nonZeros}): {@link #combineRows} skips only groups of four zeros, 13% of the groups of such data.
     */
    static final double LISTED = 0.3;
    /** Floats of partial sums a reduction may hold (16 MiB). */
    private static final long PARTIAL_BUDGET = 4L << 20;

    /** Scratch arrays up to this many floats are kept for the next call of the same shape (4 MB). */
    private static final long SCRATCH_LIMIT = 1L << 20;
    /**
     * Per calling thread, by use and shape: W's transposed copy, B's rows, a mini-batch's weight-gradient partial. They
     * are as large as W and were new every call: wide-dropout allocated 1.8 MB a step, a young collection every
     * tenth of a second. A call's scratch is its own until it returns (its tasks never call back in with the same
     * use), so one set per thread is enough.
     */
    private static final ThreadLocal<Map<Long, float[][]>> SCRATCH = ThreadLocal.withInitial(HashMap::new);
    /** Per thread: the listed terms of the row a task is adding ({@link #nonZeros}). */
    private static final ThreadLocal<Terms> TERMS = ThreadLocal.withInitial(Terms::new);

    /** A row's non-zero terms: their indices and values, room for {@code size}. */
    private static final class Terms {
        int[] at = new int[0];
        float[] val = new float[0];

        Terms fit(int size) {
            if (at.length < size) {
                at = new int[size];
                val = new float[size];
            }
            return this;
        }
    }

    /** At most this many scratch arrays a thread (a network's layers need two or three each). */
    private static final int MAX_SCRATCH = 24;
    private static final int TRANSPOSED = 0, ROWS = 1, PARTIAL = 2;

    private final int threads;
    /** The helper threads, or null for one thread: they spin between the many short calls of a step (below). */
    private final SpinWorkers workers;

    private ParallelCompute(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = threads == 1 ? null : SpinWorkers.shared(threads);
    }

    /** A compute on {@code threads} threads: the caller's plus {@code threads − 1} daemon helpers. */
    public static ParallelCompute create(int threads) {
        return new ParallelCompute(threads);
    }

    @Override
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task.accept(i)} for every i in [0, tasks), spread over the threads, and returns when all are
     * done. Tasks must not depend on which thread runs them or in which order; then the result is the same for
     * any thread count. The first exception thrown by a task is rethrown here.
     *
     * <p>On {@link SpinWorkers}: a layer-by-layer step of a mini-batch makes a dozen calls of tens of microseconds
     * each, and a thread pool's hand-off (queue, park, unpark, future) cost as much as the work: wide-dropout at batch
     * 64 ran slower on two threads than on one. A call made while another runs (from inside a task, or from a second
     * thread) runs its tasks on the caller's thread, which gives the same result.
     */
    @Override
    public void forEach(int tasks, IntConsumer task) {
        if (workers == null) {
            for (int i = 0; i < tasks; i++) {
                task.accept(i);
            }
            return;
        }
        workers.forEach(tasks, task);
    }

    /**
     * A·Bᵀ. With few outputs per row (n below {@value #NARROW}, like Z = X·Wᵀ with 10 units) each output is a
     * dot product with four scalar chains: rows of length n are too short for SIMD loops to pay. Otherwise row
     * i of C is Σ_p A[i,p]·(column p of B), the columns copied out once as rows.
     */
    @Override
    public Matrix timesTransB(Matrix A, Matrix B) {
        int m = A.rows(), k = A.cols(), n = B.rows();
        check(B.cols() == k, "timesTransB", A, B);
        float[] b = B.data();
        if (n < NARROW) {
            Matrix C = new Matrix(m, n);
            float[] a = A.data(), c = C.data();
            int rowsPerTask = rowsPerTask(m, (long) k * n);
            int tasks = (m + rowsPerTask - 1) / rowsPerTask;
            forEach(tasks, t -> {
                for (int i = t * rowsPerTask, end = Math.min(m, i + rowsPerTask); i < end; i++) {
                    for (int j = 0; j < n; j++) {
                        c[i * n + j] = dot(a, i * k, b, j * k, k);
                    }
                }
            });
            return C;
        }
        // Bᵀ, its columns as rows: a copy as large as W, made every step, so it is spread over the threads too, four
        // bands a thread (a call's end waits for its slowest task: small tasks keep that wait short)
        float[][] R = scratch(TRANSPOSED, k, n);
        int band = Math.max(32, (k + 4 * threads - 1) / (4 * threads));
        forEach((k + band - 1) / band, t -> {
            for (int p = t * band, end = Math.min(k, p + band); p < end; p++) {
                float[] r = R[p];
                for (int j = 0; j < n; j++) {
                    r[j] = b[j * k + p];
                }
            }
        });
        return rowsTimes(A, R, n);
    }

    /** Σ_p a[ao + p]·b[bo + p], four independent chains added pairwise at the end. */
    private static float dot(float[] a, int ao, float[] b, int bo, int k) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            s0 = Math.fma(a[ao + p], b[bo + p], s0);
            s1 = Math.fma(a[ao + p + 1], b[bo + p + 1], s1);
            s2 = Math.fma(a[ao + p + 2], b[bo + p + 2], s2);
            s3 = Math.fma(a[ao + p + 3], b[bo + p + 3], s3);
        }
        for (; p < k; p++) {
            s0 = Math.fma(a[ao + p], b[bo + p], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** A·B: row i of C is Σ_p A[i,p]·(row p of B). */
    @Override
    public Matrix times(Matrix A, Matrix B) {
        int k = A.cols(), n = B.cols();
        check(B.rows() == k, "times", A, B);
        float[][] R = scratch(ROWS, k, n);
        for (int p = 0; p < k; p++) {
            System.arraycopy(B.data(), p * n, R[p], 0, n);
        }
        return rowsTimes(A, R, n);
    }

    /**
     * C = A·R where R is given as k rows of n; rows of C are independent, so no reduction is needed, and how they are
     * cut into tasks cannot change a bit: a mini-batch of 64 rows is cut so every thread gets some. Where A's zeros
     * are many and scattered ({@link #listed}), each row's non-zero terms are listed first.
     */
    private Matrix rowsTimes(Matrix A, float[][] R, int n) {
        int m = A.rows(), k = A.cols();
        Matrix C = new Matrix(m, n);
        float[] a = A.data(), c = C.data();
        int rowsPerTask = rowsPerTask(m, (long) k * n);
        int tasks = (m + rowsPerTask - 1) / rowsPerTask;
        boolean listed = listed(a);
        forEach(tasks, t -> {
            float[] row = new float[n];
            Terms terms = listed ? TERMS.get().fit(k) : null;
            for (int i = t * rowsPerTask, end = Math.min(m, i + rowsPerTask); i < end; i++) {
                java.util.Arrays.fill(row, 0f);
                if (listed) {
                    int count = nonZeros(a, i * k, 1, k, terms.at, terms.val);
                    combineListed(terms.at, terms.val, count, R, 0, row);
                } else {
                    combineRows(a, i * k, 1, k, R, 0, row);
                }
                System.arraycopy(row, 0, c, i * n, n);
            }
        });
        return C;
    }

    /**
     * Rows per task of a row-parallel product, each row costing {@code work} multiply-adds: {@value #ROWS_PER_TASK},
     * or fewer so that every thread gets four shares of a small batch, but never below {@value #MIN_TASK_WORK}
     * multiply-adds a task (handing a task to a helper thread costs microseconds). Only where rows are independent.
     * Four rather than two: a thread that finishes its last task waits for the other's, and with two 16-row tasks
     * each, the caller spent 14% of a wide-dropout step waiting (849 against 917 ms an epoch with four).
     */
    private int rowsPerTask(int m, long work) {
        long byWork = Math.max(1, MIN_TASK_WORK / Math.max(1, work));
        long byThreads = Math.max(1, (m + 4L * threads - 1) / (4L * threads));   // four tasks a thread
        return (int) Math.max(1, Math.min(ROWS_PER_TASK, Math.max(byWork, byThreads)));
    }

    /**
     * out += Σ_p a[ao + p·stride]·R[r0 + p] for p in [0, count), four rows per pass so each load and store of
     * {@code out} carries four multiply-adds. Modified: out.
     */
    static void combineRows(float[] a, int ao, int stride, int count, float[][] R, int r0, float[] out) {
        int n = out.length;
        int p = 0;
        for (; p + 4 <= count; p += 4) {
            float a0 = a[ao + p * stride], a1 = a[ao + (p + 1) * stride];
            float a2 = a[ao + (p + 2) * stride], a3 = a[ao + (p + 3) * stride];
            if (a0 == 0f && a1 == 0f && a2 == 0f && a3 == 0f) {
                continue;
            }
            float[] q0 = R[r0 + p], q1 = R[r0 + p + 1], q2 = R[r0 + p + 2], q3 = R[r0 + p + 3];
            for (int j = 0; j < n; j++) {
                out[j] = Math.fma(a0, q0[j], Math.fma(a1, q1[j], Math.fma(a2, q2[j], Math.fma(a3, q3[j], out[j]))));
            }
        }
        for (; p < count; p++) {
            float a0 = a[ao + p * stride];
            if (a0 == 0f) {
                continue;
            }
            float[] q0 = R[r0 + p];
            for (int j = 0; j < n; j++) {
                out[j] = Math.fma(a0, q0[j], out[j]);
            }
        }
    }

    /**
     * The non-zero a[ao + t·stride] for t in [0, count), in the order {@link #combineRows} adds them: each group of
     * four from the start backwards (its innermost multiply-add is the fourth), then the rest forwards. Their t go
     * to {@code at}, their values to {@code val}; returns how many. A zero term of a fused multiply-add chain adds
     * exactly nothing (fma(0, r, s) = s, and s is never −0: it starts at +0), so adding the listed terms alone, in
     * this order, gives combineRows's bits. Modified: at, val.
     */
    static int nonZeros(float[] a, int ao, int stride, int count, int[] at, float[] val) {
        int listed = 0, t = 0;
        for (; t + 4 <= count; t += 4) {
            for (int q = t + 3; q >= t; q--) {
                float v = a[ao + q * stride];
                at[listed] = q;
                val[listed] = v;
                listed += v != 0f ? 1 : 0;   // no branch to mispredict on scattered zeros
            }
        }
        for (; t < count; t++) {
            float v = a[ao + t * stride];
            at[listed] = t;
            val[listed] = v;
            listed += v != 0f ? 1 : 0;
        }
        return listed;
    }

    /**
     * out += Σ_e val[e]·R[r0 + at[e]] for e in [0, count), as one chain of fused multiply-adds in list order, four
     * terms per pass. Modified: out.
     */
    static void combineListed(int[] at, float[] val, int count, float[][] R, int r0, float[] out) {
        int n = out.length;
        int e = 0;
        for (; e + 4 <= count; e += 4) {
            float a0 = val[e], a1 = val[e + 1], a2 = val[e + 2], a3 = val[e + 3];
            float[] q0 = R[r0 + at[e]], q1 = R[r0 + at[e + 1]], q2 = R[r0 + at[e + 2]], q3 = R[r0 + at[e + 3]];
            for (int j = 0; j < n; j++) {
                out[j] = Math.fma(a3, q3[j], Math.fma(a2, q2[j], Math.fma(a1, q1[j], Math.fma(a0, q0[j], out[j]))));
            }
        }
        for (; e < count; e++) {
            float a0 = val[e];
            float[] q0 = R[r0 + at[e]];
            for (int j = 0; j < n; j++) {
                out[j] = Math.fma(a0, q0[j], out[j]);
            }
        }
    }

    /**
     * Aᵀ·B = Σ_i (row i of A)ᵀ ⊗ (row i of B). The m rows are cut into chunks fixed by the shapes; each chunk
     * sums its rows into its own n × k partial, and the partials are added in chunk order.
     */
    @Override
    public void transATimesInto(Matrix A, Matrix B, Matrix out) {
        int m = A.rows(), n = A.cols(), k = B.cols();
        check(B.rows() == m && out.rows() == n && out.cols() == k, "transATimes", A, B);
        float[] a = A.data(), b = B.data();
        int chunks = reductionChunks(m, (long) n * k);
        if (chunks == 1 && listed(a)) {
            listedTransATimes(a, b, m, n, k, out.data());
            return;
        }
        int rowsPerChunk = chunks == 0 ? 0 : (m + chunks - 1) / chunks;
        float[][][] partial = chunks == 1 ? new float[][][] {scratch(PARTIAL, n, k)} : new float[Math.max(chunks, 1)][n][k];
        // each chunk's output rows r are independent too: a chunk is cut into bands of them, so a single chunk (a
        // mini-batch) still spreads over the threads, with bitwise the sums of one task
        int bands = chunks == 0 ? 1 : (int) Math.max(1, Math.min(n, Math.min(
                (2L * threads + chunks - 1) / chunks,
                (long) (m / chunks) * n * k / MIN_TASK_WORK)));
        int band = (n + bands - 1) / bands;
        int bandCount = (n + band - 1) / band;
        float[] c = out.data();
        forEach(chunks * bandCount, task -> {
            int ch = task / bandCount, r0 = task % bandCount * band, r1 = Math.min(n, r0 + band);
            float[][] P = partial[ch];
            if (chunks == 1) {
                for (int r = r0; r < r1; r++) {
                    java.util.Arrays.fill(P[r], 0f);   // a kept scratch: last call's sums
                }
            }
            float[][] rows = new float[4][k];
            int end = Math.min(m, (ch + 1) * rowsPerChunk);
            for (int i = ch * rowsPerChunk; i < end; i += 4) {
                int take = Math.min(4, end - i);
                for (int q = 0; q < take; q++) {
                    System.arraycopy(b, (i + q) * k, rows[q], 0, k);
                }
                for (int r = r0; r < r1; r++) {
                    combineRows(a, i * n + r, n, take, rows, 0, P[r]);
                }
            }
            if (chunks == 1) {
                // nothing to add up: the band's rows are the result
                for (int r = r0; r < r1; r++) {
                    System.arraycopy(P[r], 0, c, r * k, k);
                }
            }
        });
        if (chunks == 1) {
            return;
        }
        // the chunks' sums, row by row in chunk order; rows in groups, not a task each (a claim costs as much as a row)
        int group = Math.max(1, (n + 4 * threads - 1) / (4 * threads));
        forEach((n + group - 1) / group, g -> {
            for (int r = g * group, last = Math.min(n, r + group); r < last; r++) {
                float[] sum = partial[0][r];
                for (int ch = 1; ch < chunks; ch++) {
                    float[] p = partial[ch][r];
                    for (int j = 0; j < k; j++) {
                        sum[j] += p[j];
                    }
                }
                System.arraycopy(sum, 0, c, r * k, k);
            }
        });
    }

    /**
     * Aᵀ·B of a single chunk (a mini-batch) whose A has zeros scattered (a weight gradient's dZ, after ReLU and dropout):
     * row r of the result, Σ_i A[i, r]·(row i of B), over the rows i whose A[i, r] is not zero, listed in
     * {@link #nonZeros}'s order; each element is the chain {@link #combineRows} makes over the groups of four rows,
     * less its exact zeros, so the bits are the same. Tasks are bands of r.
     */
    private void listedTransATimes(float[] a, float[] b, int m, int n, int k, float[] c) {
        float[][] rowsOfB = scratch(ROWS, m, k);
        for (int i = 0; i < m; i++) {
            System.arraycopy(b, i * k, rowsOfB[i], 0, k);
        }
        float[][] P = scratch(PARTIAL, n, k);
        int band = Math.max(1, (n + 4 * threads - 1) / (4 * threads));
        forEach((n + band - 1) / band, task -> {
            Terms terms = TERMS.get().fit(m);
            for (int r = task * band, end = Math.min(n, r + band); r < end; r++) {
                float[] sum = P[r];
                java.util.Arrays.fill(sum, 0f);
                int count = nonZeros(a, r, n, m, terms.at, terms.val);
                combineListed(terms.at, terms.val, count, rowsOfB, 0, sum);
                System.arraycopy(sum, 0, c, r * k, k);
            }
        });
    }

    /**
     * Whether x's zeros are many and scattered, so that listing the non-zero terms pays: at least {@value #LISTED} of
     * x sampled is zero, and groups of four zeros (which {@link #combineRows} skips anyway) hold less than half of the
     * zeros. Fashion-MNIST's pixels (51% zeros, 39% of the groups) run faster by groups, ReLU and dropout outputs by
     * lists. Only a guess about speed: both ways give the same bits.
     */
    static boolean listed(float[] x) {
        int groups = x.length / 4;
        if (groups == 0) {
            return false;
        }
        int step = Math.max(1, groups / 1024);
        int seen = 0, zeros = 0, blank = 0;
        for (int g = 0; g < groups; g += step) {
            int z = 0;
            for (int q = 4 * g; q < 4 * g + 4; q++) {
                z += x[q] == 0f ? 1 : 0;
            }
            seen++;
            zeros += z;
            blank += z == 4 ? 1 : 0;
        }
        return zeros > LISTED * 4 * seen && 4 * blank < zeros / 2;
    }

    /** A rows × cols array for {@code use}, kept per thread for the next call when small enough; contents undefined. */
    private static float[][] scratch(int use, int rows, int cols) {
        if ((long) rows * cols > SCRATCH_LIMIT) {
            return new float[rows][cols];
        }
        long key = (long) use << 60 | (long) rows << 30 | cols;
        Map<Long, float[][]> kept = SCRATCH.get();
        if (kept.size() >= MAX_SCRATCH && !kept.containsKey(key)) {
            kept.clear();   // a thread that trains many shapes in turn (a sweep's executor) keeps only recent ones
        }
        return kept.computeIfAbsent(key, x -> new float[rows][cols]);
    }

    /** How many chunks a reduction over m rows with an n × k result uses: a function of the shapes only. */
    static int reductionChunks(int m, long resultSize) {
        if (m == 0) {
            return 0;
        }
        long byMemory = Math.max(1, PARTIAL_BUDGET / Math.max(1, resultSize));
        long byRows = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        return (int) Math.max(1, Math.min(MAX_CHUNKS, Math.min(byMemory, byRows)));
    }

    private static void check(boolean ok, String op, Matrix A, Matrix B) {
        if (!ok) {
            throw new IllegalArgumentException(op + ": shapes " + A.shape() + " and " + B.shape() + " do not chain");
        }
    }

    @Override
    public String toString() {
        return "parallel(" + threads + ")";
    }
}
