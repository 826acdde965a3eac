package dev.sinapse.kernels;

import dev.sinapse.api.Activation;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link FusedMlpKernel}'s arithmetic written with the Vector API ({@code jdk.incubator.vector}), used only
 * when that module is present:
 * <pre>
 *   Z1 = X·W1ᵀ + b1,  A1 = f(Z1),  Z2 = A1·W2ᵀ + b2,  A2 = softmax(Z2),  L = −(1/m) Σ log A2[i, y_i]
 *   dZ2 = (A2 − Y)/m,  dW2 = dZ2ᵀ·A1,  db2 = Σ dZ2,  dZ1 = (dZ2·W2) ⊙ f'(Z1),  dW1 = dZ1ᵀ·X,  db1 = Σ dZ1
 *   X: m × n,  W1: h × n,  W2: c × h   (n ≤ 784)
 * </pre>
 * Rows go through in blocks of up to {@value #BLOCK}: each row's bytes (kept once per dataset, {@value
 * FusedMlpKernel#K} a row, a quarter of float rows' memory traffic) are converted to floats in an L2-resident
 * buffer, which forward, tail and backward then share. The big layer is register-blocked over all
 * {@value FusedMlpKernel#K} features (W1 padded with zero rows to a multiple of ten units, X with zero rows to
 * whole groups of six):
 * <ul>
 * <li>forward: {@value #FR} rows × {@value #FU} units of lane accumulators, so each loaded W1 vector feeds six
 *     multiply-adds and each X vector two; the lanes are added once per row and unit at the end;
 * <li>backward: dW1[u..u+4, p..p+15] (ten accumulators) stays in registers while the block's rows go by, each
 *     row's two X vectors feeding five units.
 * </ul>
 * The tail (Z2, softmax, loss, dZ2, dW2, dZ1) is {@link VectorTail}, eight rows per vector.
 *
 * <p>Measured on 2 AVX2 cores (Zen 3), 41,000 Fashion-MNIST rows, one thread: 28–30 ms per full-batch iteration;
 * per 1,000 rows, forward 244 µs (~76% of the measured FMA peak), backward 190 µs (near it), tail 100 µs,
 * conversion and the rest 110 µs. Dense loops beat skipping zero pixels here: lists of the non-zero eight-pixel steps
 * (tried per pair and per six rows, and per row in the backward pass) cost their indirect loads and saved little,
 * as six rows together leave few steps all zero. On JDK 17 a vector that crosses a {@code continue} or a
 * {@code while (m != 0)} loop is boxed (10× slower): keep the loops plain counted ones.
 *
 * <p>Determinism as in the fused kernel: chunks fixed by the batch size, partials added in chunk order. Lane
 * sums are added in a fixed order with scalar adds (not {@code reduceLanes}, whose order is unspecified), and
 * lane-wise fma/add give the same bits compiled or interpreted, so 1 and 2 threads agree bitwise.
 */
final class VectorMlpKernel implements BatchKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final int LANES = 8; // F.length(); a constant so the bit tricks below stay shifts
    private static final int K = FusedMlpKernel.K;
    /** Rows carried through forward, loss and backward together. */
    static final int BLOCK = 64;
    /**
     * Below this many rows a step runs on the caller, as one chunk: the second core's chunk of a mini-batch of 32
     * took 60% longer than the first (W1, updated by the caller, and its dW1 partial cross between the cores
     * every step), so two threads were no faster than one up to 64 rows and 1.6× faster at 128. The chunks
     * depend on the batch size alone, so the result does not depend on the thread count.
     */
    static final int PARALLEL_ROWS = 128;
    /** Hidden units per register group of the backward pass. */
    static final int G = 5;
    /** Rows × hidden units per register group of the forward pass: twelve accumulators. */
    static final int FR = 6;
    static final int FU = 2;
    /** Rows a block's buffers hold: {@value #BLOCK} rounded up to whole forward groups. */
    static final int ROWS = (BLOCK + FR - 1) / FR * FR;

    private final Param W1;
    private final Param b1;
    private final Param W2;
    private final Param b2;
    private final Activation f;
    private final int n;
    private final int h;
    private final int hp;     // h rounded up to a multiple of G and of FU
    private final int nSteps; // eight-feature steps covering n
    private final int c;
    private final SpinWorkers workers;
    private final float[] W1p; // hp × K, zero past n and past h; refreshed each step unless W1 has that shape
    private float[] runW1;     // W1p, or W1 itself when it needs no padding
    /** Adds up one byte per cache line of the rows a block is about to read, so that the loads are not dropped. */
    private volatile int touched;
    private Chunk[] chunks = new Chunk[0];
    private int[] runOrder;
    private int runFrom;
    private int runTo;
    private int runSize;
    private float runInvM;
    private int runTasks;
    private final IntConsumer chunkTask = t -> chunks[t].run(runOrder, runFrom + t * runSize,
            Math.min(runTo, runFrom + (t + 1) * runSize), runInvM);
    private final IntConsumer reduceRow = this::reduceRow;
    private final ThreadLocal<Block> blocks = ThreadLocal.withInitial(Block::new);
    // the training pixels, K bytes a row in the training order, and their labels, built once per dataset
    private Dataset rowsOf;
    private byte[] pixels;
    private float runScale;
    private int[] labels;

    VectorMlpKernel(Param W1, Param b1, Activation f, Param W2, Param b2, int threads) {
        this.W1 = W1;
        this.b1 = b1;
        this.W2 = W2;
        this.b2 = b2;
        this.f = f;
        this.h = W1.value().rows();
        this.n = W1.value().cols();
        this.c = W2.value().rows();
        this.hp = (h + G * FU - 1) / (G * FU) * (G * FU);
        this.nSteps = (n + LANES - 1) / LANES;
        this.workers = new SpinWorkers(threads);
        this.W1p = new float[hp * K];
    }

    /** Whether this CPU runs 256-bit float vectors natively (AVX2 or AVX-512 here; not SSE-only machines). */
    static boolean supported() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= F.vectorBitSize();
    }

    @Override
    public String name() {
        return FusedMlpKernel.VECTOR_NAME;
    }

    int threads() {
        return workers.threads();
    }

    @Override
    public Result run(Dataset train, int[] order, int from, int to, float scale, Pass pass) {
        int m = to - from;
        if (m <= 0) {
            throw new IllegalArgumentException("empty batch " + from + ".." + to);
        }
        byteRows(train);
        runScale = scale;
        float[] w1 = W1.value().data();
        if (n == K && h == hp) {
            runW1 = w1;
        } else {
            for (int r = 0; r < h; r++) {
                System.arraycopy(w1, r * n, W1p, r * K, n);
            }
            runW1 = W1p;
        }
        // a batch run on the caller alone is one chunk: no partial sums to add up (a function of m alone, as ever)
        int size = m < PARALLEL_ROWS ? m : FusedMlpKernel.chunkSize(m);
        int tasks = (m + size - 1) / size;
        if (chunks.length < tasks) {
            Chunk[] more = Arrays.copyOf(chunks, tasks);
            for (int i = chunks.length; i < tasks; i++) {
                more[i] = new Chunk();
            }
            chunks = more;
        }
        runOrder = order;
        runFrom = from;
        runTo = to;
        runSize = size;
        runInvM = 1f / m;
        if (m < PARALLEL_ROWS) {
            for (int t = 0; t < tasks; t++) {
                chunkTask.accept(t);
            }
        } else {
            workers.forEach(tasks, chunkTask);
        }
        runOrder = null;
        return reduce(tasks);
    }

    private Result reduce(int tasks) {
        runTasks = tasks;
        if (tasks <= 2) {
            for (int r = 0; r < h; r++) {
                reduceRow(r);
            }
        } else {
            workers.forEach(h, reduceRow);
        }
        return ChunkPartials.totals(chunks, tasks, b1, W2, b2);
    }

    /** dW1[r] = Σ_t chunk t's dW1[r], in chunk order. */
    private void reduceRow(int r) {
        float[] acc = chunks[0].dW1;
        int o = r * K;
        if (runTasks == 1) {
            System.arraycopy(acc, o, W1.grad().data(), r * n, n);
            return;
        }
        if (runTasks == 2 && n == K) {
            // the usual mini-batch: the one sum straight into the gradient
            float[] p = chunks[1].dW1, grad = W1.grad().data();
            for (int j = 0; j < K; j += LANES) {
                FloatVector.fromArray(F, acc, o + j).add(FloatVector.fromArray(F, p, o + j)).intoArray(grad, o + j);
            }
            return;
        }
        for (int t = 1; t < runTasks; t++) {
            float[] p = chunks[t].dW1;
            for (int j = 0; j < K; j += LANES) {
                FloatVector.fromArray(F, acc, o + j).add(FloatVector.fromArray(F, p, o + j)).intoArray(acc, o + j);
            }
        }
        System.arraycopy(acc, o, W1.grad().data(), r * n, n);
    }

    /**
     * Copies the pixels once into rows of {@value FusedMlpKernel#K} bytes (a vector step never crosses a row) and
     * marks each row's eight-pixel steps that are not all 0. A quarter of the memory of float rows: a full batch
     * streams all of it every step.
     */
    private void byteRows(Dataset train) {
        if (rowsOf == train) {
            return;
        }
        if (train.features() != n) {
            throw new IllegalArgumentException("rows have " + train.features() + " features, W1 expects " + n);
        }
        int size = train.size();
        byte[] px = new byte[size * K];
        int[] ys = new int[size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < n; j++) {
                px[i * K + j] = (byte) train.pixel(i, j);
            }
            ys[i] = train.label(i);
        }
        pixels = px;
        labels = ys;
        rowsOf = train;
    }

    /** One work unit's partial gradients and loss; reused from step to step. */
    private final class Chunk extends ChunkPartials {
        final float[] dW1 = new float[hp * K];

        Chunk() {
            super(h, c);
        }

        void run(int[] order, int from, int to, float invM) {
            Arrays.fill(dW1, 0f);
            clear(to - from);
            Block b = blocks.get();
            for (int i = from; i < to; i += BLOCK) {
                b.run(this, order, i, Math.min(BLOCK, to - i), invM);
            }
        }
    }

    /** The buffers of one block of S ≤ {@value #BLOCK} rows; the arrays of the tail are indexed by the row. */
    private final class Block {
        private final float[] X = new float[ROWS * K];        // the rows as floats, s·K + j: pixel × scale
        private final int[] y = new int[BLOCK];
        private final float[][] Z1 = new float[hp][ROWS];
        private final float[][] A1 = new float[h][ROWS];
        private final float[][] dZ1 = new float[hp][BLOCK];   // rows past h stay zero
        private final VectorTail tail = new VectorTail(h, c, BLOCK, f);
        private final float[] lanes = new float[FR * FU * LANES];
        private final float[] dZ1t = new float[BLOCK * hp];     // dZ1 row-major: s·hp + r

        void run(Chunk out, int[] order, int from, int S, float invM) {
            float scale = runScale;
            // shuffled mini-batches read rows all over the training set: asking for all of the block's cache lines
            // at once lets the misses overlap, where the conversion below would wait for them one row at a time
            int sum = 0;
            for (int s = 0; s < S; s++) {
                for (int o = order[from + s] * K, p = 0; p < K; p += 64) {
                    sum += pixels[o + p];
                }
            }
            touched = sum;
            float[] x = X;
            for (int s = 0; s < S; s++) {
                int v = order[from + s];
                // x = (pixel & 0xFF)·scale, as Dataset.batch computes it
                for (int q = 0, o = v * K, xo = s * K; q < nSteps; q++) {
                    int p = q << 3;
                    IntVector b = (IntVector) ByteVector.fromArray(B, pixels, o + p).convertShape(VectorOperators.B2I, I, 0);
                    FloatVector f = (FloatVector) b.and(0xFF).convertShape(VectorOperators.I2F, F, 0);
                    f.mul(scale).intoArray(x, xo + p);
                }
                y[s] = labels[v];
            }
            // the rows that fill the last forward group: zeros
            int padded = (S + FR - 1) / FR * FR;
            Arrays.fill(x, S * K, padded * K, 0f);
            forward(S);
            loss(out, S, invM);
            backward(out, S);
        }

        /**
         * Z1[r][s] = b1[r] + Σ_j W1[r, j]·X[s, j], {@value #FR} rows × {@value #FU} units at a time over all
         * {@value FusedMlpKernel#K} features, then A1 = f(Z1). Each loaded W1 vector feeds six
         * multiply-adds and each X vector two: twelve accumulators, the most that AVX2's sixteen registers hold
         * with their operands (measured: 1.4 multiply-adds per cycle, against 1.1 for two rows × five units).
         */
        private void forward(int S) {
            float[] w = runW1, x = X, t = lanes, bias1 = b1.value().data();
            for (int s = 0; s < S; s += FR) {
                int x0 = s * K, x1 = x0 + K, x2 = x1 + K, x3 = x2 + K, x4 = x3 + K, x5 = x4 + K;
                for (int g = 0; g < hp; g += FU) {
                    int o = g * K, o1 = o + K;
                    FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b0 = FloatVector.zero(F);
                    FloatVector b1 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F);
                    FloatVector d0 = FloatVector.zero(F), d1 = FloatVector.zero(F), e0 = FloatVector.zero(F);
                    FloatVector e1 = FloatVector.zero(F), f0 = FloatVector.zero(F), f1 = FloatVector.zero(F);
                    for (int p = 0; p < K; p += LANES) {
                        FloatVector w0 = FloatVector.fromArray(F, w, o + p), w1 = FloatVector.fromArray(F, w, o1 + p);
                        FloatVector u = FloatVector.fromArray(F, x, x0 + p);
                        a0 = w0.fma(u, a0);
                        a1 = w1.fma(u, a1);
                        u = FloatVector.fromArray(F, x, x1 + p);
                        b0 = w0.fma(u, b0);
                        b1 = w1.fma(u, b1);
                        u = FloatVector.fromArray(F, x, x2 + p);
                        c0 = w0.fma(u, c0);
                        c1 = w1.fma(u, c1);
                        u = FloatVector.fromArray(F, x, x3 + p);
                        d0 = w0.fma(u, d0);
                        d1 = w1.fma(u, d1);
                        u = FloatVector.fromArray(F, x, x4 + p);
                        e0 = w0.fma(u, e0);
                        e1 = w1.fma(u, e1);
                        u = FloatVector.fromArray(F, x, x5 + p);
                        f0 = w0.fma(u, f0);
                        f1 = w1.fma(u, f1);
                    }
                    a0.intoArray(t, 0);
                    b0.intoArray(t, LANES);
                    c0.intoArray(t, 2 * LANES);
                    d0.intoArray(t, 3 * LANES);
                    e0.intoArray(t, 4 * LANES);
                    f0.intoArray(t, 5 * LANES);
                    a1.intoArray(t, 6 * LANES);
                    b1.intoArray(t, 7 * LANES);
                    c1.intoArray(t, 8 * LANES);
                    d1.intoArray(t, 9 * LANES);
                    e1.intoArray(t, 10 * LANES);
                    f1.intoArray(t, 11 * LANES);
                    for (int q = 0; q < FU; q++) {
                        float bq = g + q < h ? bias1[g + q] : 0f;
                        float[] z = Z1[g + q];
                        for (int i = 0; i < FR; i++) {
                            z[s + i] = bq + sum8(t, (q * FR + i) * LANES); // rows past S: never read
                        }
                    }
                }
            }
            for (int r = 0; r < h; r++) {
                float[] z = Z1[r], a = A1[r];
                for (int s = 0; s < S; s++) {
                    a[s] = f.apply(z[s]);
                }
            }
        }

        /** The tail ({@link VectorTail}): softmax, loss, dZ2, dW2, db2, dZ1, db1. */
        private void loss(Chunk out, int S, float invM) {
            tail.loss = out.loss;
            tail.correct = out.correct;
            tail.run(W2.value().data(), b2.value().data(), Z1, A1, dZ1, y, S, invM, out.dW2, out.db2, out.db1);
            out.loss = tail.loss;
            out.correct = tail.correct;
        }

        /**
         * dW1[r, p..p+15] += Σ_s dZ1[r][s]·X[s, p..p+15] over the block's rows, {@value #G} units' lanes (ten
         * accumulators) in registers while the rows go by.
         */
        private void backward(Chunk out, int S) {
            float[] g = out.dW1;
            float[] dz = dZ1t;
            for (int r = 0; r < h; r++) {
                float[] d = dZ1[r];
                for (int s = 0; s < S; s++) {
                    dz[s * hp + r] = d[s];
                }
            }
            for (int p = 0; p < K; p += 2 * LANES) {
                for (int u = 0; u < hp; u += G) {
                    int o = u * K + p;
                    // dW1[u..u+4, p..p+15]: ten accumulators, each row's two X vectors feed five units
                    FloatVector g0 = FloatVector.fromArray(F, g, o), h0 = FloatVector.fromArray(F, g, o + LANES);
                    FloatVector g1 = FloatVector.fromArray(F, g, o + K), h1 = FloatVector.fromArray(F, g, o + K + LANES);
                    FloatVector g2 = FloatVector.fromArray(F, g, o + 2 * K);
                    FloatVector h2 = FloatVector.fromArray(F, g, o + 2 * K + LANES);
                    FloatVector g3 = FloatVector.fromArray(F, g, o + 3 * K);
                    FloatVector h3 = FloatVector.fromArray(F, g, o + 3 * K + LANES);
                    FloatVector g4 = FloatVector.fromArray(F, g, o + 4 * K);
                    FloatVector h4 = FloatVector.fromArray(F, g, o + 4 * K + LANES);
                    for (int s = 0, e = u, xs = p; s < S; s++, e += hp, xs += K) {
                        FloatVector x = FloatVector.fromArray(F, X, xs), z = FloatVector.fromArray(F, X, xs + LANES);
                        FloatVector d = FloatVector.broadcast(F, dz[e]);
                        g0 = d.fma(x, g0);
                        h0 = d.fma(z, h0);
                        d = FloatVector.broadcast(F, dz[e + 1]);
                        g1 = d.fma(x, g1);
                        h1 = d.fma(z, h1);
                        d = FloatVector.broadcast(F, dz[e + 2]);
                        g2 = d.fma(x, g2);
                        h2 = d.fma(z, h2);
                        d = FloatVector.broadcast(F, dz[e + 3]);
                        g3 = d.fma(x, g3);
                        h3 = d.fma(z, h3);
                        d = FloatVector.broadcast(F, dz[e + 4]);
                        g4 = d.fma(x, g4);
                        h4 = d.fma(z, h4);
                    }
                    g0.intoArray(g, o);
                    h0.intoArray(g, o + LANES);
                    g1.intoArray(g, o + K);
                    h1.intoArray(g, o + K + LANES);
                    g2.intoArray(g, o + 2 * K);
                    h2.intoArray(g, o + 2 * K + LANES);
                    g3.intoArray(g, o + 3 * K);
                    h3.intoArray(g, o + 3 * K + LANES);
                    g4.intoArray(g, o + 4 * K);
                    h4.intoArray(g, o + 4 * K + LANES);
                }
            }
        }
    }

    /** The eight lanes at t[o..o+8) added pairwise, always in this order. */
    private static float sum8(float[] t, int o) {
        return ((t[o] + t[o + 1]) + (t[o + 2] + t[o + 3])) + ((t[o + 4] + t[o + 5]) + (t[o + 6] + t[o + 7]));
    }

    @Override
    public String toString() {
        return "fused dense-" + f.getClass().getSimpleName() + "-dense-softmax kernel (Vector API, " + F.length()
                + " lanes), " + n + "-" + h + "-" + c + ", " + threads() + " thread(s)";
    }
}
