package dev.sinapse.kernels;

import dev.sinapse.api.Activation;
import dev.sinapse.api.CrossEntropyLoss;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * dense → activation → dense → softmax with cross-entropy, forward and backward of each row in one pass:
 * <pre>
 *   Z1 = X·W1ᵀ + b1,  A1 = f(Z1),  Z2 = A1·W2ᵀ + b2,  A2 = softmax(Z2),  L = −(1/m) Σ log A2[i, y_i]
 *   dZ2 = (A2 − Y)/m,  dW2 = dZ2ᵀ·A1,  db2 = Σ dZ2,  dZ1 = (dZ2·W2) ⊙ f'(Z1),  dW1 = dZ1ᵀ·X,  db1 = Σ dZ1
 *   X: m × n,  W1: h × n,  W2: c × h   (n ≤ 784)
 * </pre>
 * The same arithmetic as the layers, in blocks of up to {@value #BLOCK} rows that stay in cache: the weights
 * do not change within a step, so a block goes forward, through the loss and back before the next is read.
 *
 * <p>Shaped for HotSpot C2 on JDK 17, which vectorises a loop only when all its arrays share the index (an
 * offset in one array and not the others stops it), cannot vectorise a byte to float conversion, and cannot
 * vectorise a float sum (a dot product runs one scalar chain). So:
 * <ul>
 * <li>the training rows are converted once per dataset to float arrays of {@value #K} columns
 *     ({@code (pixel & 0xFF) × scale}, the values the layers see; 3 KiB a row, 129 MB for 41,000 rows);
 * <li>a block is transposed into one array per feature (Xᵀ, {@value #K} × {@value #BLOCK}), so the forward is
 *     Z1[r] = b1[r] + Σ_j W1[r, j]·Xᵀ[j], eight features per pass: the weights are constants of the loop and
 *     every load of Z1[r] carries eight multiply-adds, vectorised across the rows of the block;
 * <li>the whole tail (activation, Z2, softmax, loss, dZ2, dW2, dZ1) works on arrays indexed by the row of the
 *     block, vectorised the same way (only exp and log are scalar calls);
 * <li>the backward dW1[r] += Σ_{8 rows} dZ1[i, r]·X[i] reads the rows as they are: one 8-deep fused
 *     multiply-add chain per element, so each load and store of dW1 carries eight multiply-adds;
 * <li>blocks of fewer than {@value #MIN_BLOCK} rows (mini-batches) skip the transpose and go row by row, see
 *     {@code row}.
 * </ul>
 * Measured on 2 AVX2 cores (JDK 17), per row and thread: transpose ≈ 0.55 µs, backward ≈ 0.2 µs, tail
 * ≈ 0.15 µs, forward ≈ 0.5 µs. The scalar transpose is the price of C2 not vectorising a dot product; a
 * Vector API kernel could keep 8-lane accumulators in registers instead.
 *
 * <p>Determinism: rows are cut into chunks whose size depends only on the batch size ({@value #CHUNK} rows, or
 * two halves of a smaller batch, see {@link #chunkSize}); each chunk sums its rows into its own partial
 * gradients and loss; partials are added in chunk order. One thread or several give bitwise the same gradients.
 * The chunks run on {@link SpinWorkers}, whose hand-off costs far less than the ~30 µs a half mini-batch takes.
 */
final class FusedMlpKernel implements BatchKernel {
    /** The padded row width: at most this many inputs. */
    static final int K = 784;
    /** Rows transposed and carried through forward, loss and backward together. */
    static final int BLOCK = 128;
    /** Below this many rows (mini-batches) a block goes row by row: its transpose would not pay. */
    static final int MIN_BLOCK = 64;
    /** Partial sums of the row-by-row forward: K = 7·L. */
    static final int L = 112;
    /** Rows per work unit (a constant, so the reduction order does not depend on the thread count). */
    static final int CHUNK = 1024;
        /**
     * Whether {@code --add-modules jdk.incubator.vector} was given: then {@link VectorMlpKernel} does the same
     * work (no class of that module is loaded otherwise, so a plain {@code java -jar} runs this kernel).
     */
    /**
     * The Vector API kernel runs when Java has the module and the CPU has 256-bit vectors (AVX2 or better): on a
     * smaller CPU the API's 256-bit operations would run in Java code, far slower than the plain kernel.
     */
    private static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && VectorMlpKernel.supported();

    /** Whether {@link #tryCreate} picks the Vector API kernel in this JVM on this CPU. */
    static boolean vectorKernelAvailable() {
        return VECTOR_API;
    }

    private final Param W1;
    private final Param b1;
    private final Param W2;
    private final Param b2;
    private final Activation f;
    private final int n;
    private final int h;
    private final int c;
    private final SpinWorkers workers;
    private final float[][] W1p;          // W1 padded to K columns, refreshed each step
    private final float[] W2t;            // W2ᵀ (h × c), refreshed each step
    private final float[] zeros = new float[K];
    private Chunk[] chunks = new Chunk[0];
    // the batch being run, read by the chunk tasks (fields rather than a capturing lambda: no allocation per batch)
    private int[] runOrder;
    private int runFrom;
    private int runTo;
    private int runSize;
    private float runInvM;
    private int runTasks;
    private final IntConsumer chunkTask = t -> chunks[t].run(runOrder, runFrom + t * runSize,
            Math.min(runTo, runFrom + (t + 1) * runSize), runInvM);
    private final IntConsumer reduceRow = this::reduceRow;
    // per-thread block buffers (Xᵀ alone is 400 KB), so chunks keep only their partial sums
    private final ThreadLocal<Block> blocks = ThreadLocal.withInitial(Block::new);
    // the training rows as floats, built once per (dataset, scale)
    private Dataset rowsOf;
    private float rowsScale;
    private float[][] rows;
    private int[] labels;

    private FusedMlpKernel(Param W1, Param b1, Activation f, Param W2, Param b2, int threads) {
        this.W1 = W1;
        this.b1 = b1;
        this.W2 = W2;
        this.b2 = b2;
        this.f = f;
        this.h = W1.value().rows();
        this.n = W1.value().cols();
        this.c = W2.value().rows();
        this.workers = new SpinWorkers(threads);
        this.W1p = new float[h][K];
        this.W2t = new float[h * c];
    }

    /** The name of this kernel, and of {@link VectorMlpKernel}. */
    static final String NAME = "fused";
    static final String VECTOR_NAME = "fused-vector";

    FusedMlpKernel(MlpShape net, int threads) {
        this(net.W1(), net.b1(), net.f(), net.W2(), net.b2(), threads);
    }

    /** The plain fused kernel: dense → activation → dense → softmax with cross-entropy, at most {@value #K} inputs. */
    static final class Factory implements KernelFactory {
        @Override
        public int priority() {
            return 10;
        }

        @Override
        public Optional<BatchKernel> create(Network network, Loss loss, int threads) {
            return MlpShape.match(network, loss, K).map(s -> new FusedMlpKernel(s, Math.max(1, threads)));
        }

        @Override
        public String help() {
            return "affine → element-wise → affine → softmax with cross-entropy, up to " + K + " inputs; plain loops";
        }
    }

    /**
     * The same networks through the Vector API: only when Java has the module and the CPU has 256-bit vectors
     * (no class of that module is loaded otherwise, so a plain {@code java -jar} never touches it).
     */
    static final class VectorFactory implements KernelFactory {
        @Override
        public int priority() {
            return 20;
        }

        @Override
        public Optional<BatchKernel> create(Network network, Loss loss, int threads) {
            if (!VECTOR_API) {
                return Optional.empty();
            }
            return MlpShape.match(network, loss, K).map(s -> new VectorMlpKernel(s.W1(), s.b1(), s.f(), s.W2(), s.b2(),
                    Math.max(1, threads)));
        }

        @Override
        public String help() {
            return "as fused, with the Vector API: needs java --add-modules jdk.incubator.vector and AVX2 or better";
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Threads this kernel runs on. */
    public int threads() {
        return workers.threads();
    }

    @Override
    public Result run(Dataset train, int[] order, int from, int to, float scale, Pass pass) {
        int m = to - from;
        if (m <= 0) {
            throw new IllegalArgumentException("empty batch " + from + ".." + to);
        }
        floatRows(train, scale);
        float[] w1 = W1.value().data();
        for (int r = 0; r < h; r++) {
            System.arraycopy(w1, r * n, W1p[r], 0, n);
        }
        float[] w2 = W2.value().data();
        for (int k = 0; k < c; k++) {
            for (int r = 0; r < h; r++) {
                W2t[r * c + k] = w2[k * h + r];
            }
        }
        int size = chunkSize(m);
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
        workers.forEach(tasks, chunkTask);
        runOrder = null;
        return reduce(tasks);
    }

    /**
     * Rows per work unit, a function of the batch size alone: {@value #CHUNK} for large batches, else two halves
     * (rounded up to 8 rows) so that a mini-batch of 32 also uses two threads.
     */
    static int chunkSize(int m) {
        if (m >= 2 * CHUNK) {
            return CHUNK;
        }
        return m < 16 ? m : ((m + 1) / 2 + 7) & ~7;
    }

    /** Adds the chunks' partials in chunk order into the parameters' gradients (overwriting them). */
    private Result reduce(int tasks) {
        runTasks = tasks;
        if (tasks <= 2) {
            // a mini-batch: one pass over dW1, cheaper here than handing work to another thread
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
        float[] acc = chunks[0].dW1[r];
        for (int t = 1; t < runTasks; t++) {
            float[] p = chunks[t].dW1[r];
            for (int j = 0; j < K; j++) {
                acc[j] += p[j];
            }
        }
        System.arraycopy(acc, 0, W1.grad().data(), r * n, n);
    }

    /** Converts the dataset's pixels to padded float rows once (the same values {@link Dataset#batch} gives). */
    private void floatRows(Dataset train, float scale) {
        if (rowsOf == train && rowsScale == scale) {
            return;
        }
        if (train.features() != n) {
            throw new IllegalArgumentException("rows have " + train.features() + " features, W1 expects " + n);
        }
        int size = train.size();
        float[][] rs = new float[size][];
        int[] ys = new int[size];
        int[] natural = train.naturalOrder();
        for (int from = 0; from < size; from += 1024) {
            int to = Math.min(size, from + 1024);
            float[] x = train.batch(natural, from, to, scale).data();
            for (int i = from; i < to; i++) {
                rs[i] = new float[K];
                System.arraycopy(x, (i - from) * n, rs[i], 0, n);
                ys[i] = train.label(i);
            }
        }
        rows = rs;
        labels = ys;
        rowsOf = train;
        rowsScale = scale;
    }

    /** One work unit's partial gradients and loss; reused from step to step. */
    private final class Chunk extends ChunkPartials {
        final float[][] dW1 = new float[h][K];

        Chunk() {
            super(h, c);
        }

        void run(int[] order, int from, int to, float invM) {
            for (float[] g : dW1) {
                Arrays.fill(g, 0f);
            }
            clear(to - from);
            Block b = blocks.get();
            for (int i = from; i < to; i += BLOCK) {
                b.run(this, order, i, Math.min(BLOCK, to - i), invM);
            }
        }
    }

    /** The buffers of one block of S ≤ {@value #BLOCK} rows; every array is indexed by the row in the block. */
    private final class Block {
        private final float[][] X = new float[BLOCK][];   // the rows themselves (not copied)
        private final int[] y = new int[BLOCK];
        private final float[][] Xt = new float[K][BLOCK]; // Xᵀ: one array per feature
        private final float[][] Z1 = new float[h][BLOCK];
        private final float[][] A1 = new float[h][BLOCK];
        private final float[][] dZ1 = new float[h][BLOCK];
        private final BlockTail tail = new BlockTail(h, c, BLOCK, f);
        // row by row
        private final float[] t = new float[L];
        private final float[] z1 = new float[h];
        private final float[] a1 = new float[h];
        private final float[] z2 = new float[c];
        private final float[] a2 = new float[c];

        void run(Chunk out, int[] order, int from, int S, float invM) {
            for (int s = 0; s < S; s++) {
                int v = order[from + s];
                X[s] = rows[v];
                y[s] = labels[v];
            }
            for (int s = S; s < BLOCK; s++) {
                X[s] = zeros; // read as zero rows by the 8-row passes
            }
            if (S < MIN_BLOCK) {
                for (int s = 0; s < S; s++) {
                    row(out, s, invM);
                }
            } else {
                transpose(S);
                forward(S);
                loss(out, S, invM);
            }
            backward(out, S);
        }

        /**
         * Xᵀ[j][s] = X[s][j]. Rows are read in order, eight at a time, so the hardware prefetcher can stream
         * them; each feature's array gets eight consecutive writes.
         */
        private void transpose(int S) {
            for (int s = 0; s < S; s += 8) {
                float[] x0 = X[s], x1 = X[s + 1], x2 = X[s + 2], x3 = X[s + 3];
                float[] x4 = X[s + 4], x5 = X[s + 5], x6 = X[s + 6], x7 = X[s + 7];
                for (int j = 0; j < n; j++) {
                    float[] t = Xt[j];
                    t[s] = x0[j];
                    t[s + 1] = x1[j];
                    t[s + 2] = x2[j];
                    t[s + 3] = x3[j];
                    t[s + 4] = x4[j];
                    t[s + 5] = x5[j];
                    t[s + 6] = x6[j];
                    t[s + 7] = x7[j];
                }
            }
        }

        /**
         * Z1[r] = b1[r] + Σ_j W1[r, j]·Xᵀ[j], then A1 = f(Z1): eight features per pass, each pass used by all h
         * units while its arrays are in L1. Features past n are zero in Xᵀ and in W1p.
         */
        private void forward(int S) {
            float[] bias1 = b1.value().data();
            for (int r = 0; r < h; r++) {
                Arrays.fill(Z1[r], 0, S, bias1[r]);
            }
            for (int j = 0; j < n; j += 8) {
                float[] x0 = Xt[j], x1 = Xt[j + 1], x2 = Xt[j + 2], x3 = Xt[j + 3];
                float[] x4 = Xt[j + 4], x5 = Xt[j + 5], x6 = Xt[j + 6], x7 = Xt[j + 7];
                for (int r = 0; r < h; r++) {
                    float[] w = W1p[r], z = Z1[r];
                    float w0 = w[j], w1 = w[j + 1], w2 = w[j + 2], w3 = w[j + 3];
                    float w4 = w[j + 4], w5 = w[j + 5], w6 = w[j + 6], w7 = w[j + 7];
                    for (int s = 0; s < S; s++) {
                        z[s] = Math.fma(w0, x0[s], Math.fma(w1, x1[s], Math.fma(w2, x2[s], Math.fma(w3, x3[s],
                                Math.fma(w4, x4[s], Math.fma(w5, x5[s], Math.fma(w6, x6[s], Math.fma(w7, x7[s], z[s]))))))));
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

        /** The tail ({@link BlockTail}): softmax, loss, dZ2, dW2, db2, dZ1, db1. */
        private void loss(Chunk out, int S, float invM) {
            tail.loss = out.loss;
            tail.correct = out.correct;
            tail.run(W2.value().data(), b2.value().data(), Z1, A1, dZ1, y, S, invM, out.dW2, out.db2, out.db1);
            out.loss = tail.loss;
            out.correct = tail.correct;
        }

        /**
         * Forward, loss and backward of row s down to dZ1[·][s], with scalar arithmetic except Z1: there the 784
         * products W1[r, j]·X[s, j] are first folded into {@value #L} partial sums by seven fused multiply-adds
         * at constant offsets (a loop C2 vectorises), then added.
         */
        private void row(Chunk out, int s, float invM) {
            float[] x = X[s];
            int label = y[s];
            float[] bias1 = b1.value().data();
            for (int r = 0; r < h; r++) {
                z1[r] = bias1[r] + fold(W1p[r], x);
                a1[r] = f.apply(z1[r]);
            }
            // Z2 = b2 + Σ_r A1[r]·(column r of W2), skipping units the activation switched off
            System.arraycopy(b2.value().data(), 0, z2, 0, c);
            for (int r = 0; r < h; r++) {
                float ar = a1[r];
                if (ar != 0f) {
                    for (int k = 0, o = r * c; k < c; k++) {
                        z2[k] = Math.fma(ar, W2t[o + k], z2[k]);
                    }
                }
            }
            float mx = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                mx = Math.max(mx, z2[k]);
            }
            float tot = 0f;
            for (int k = 0; k < c; k++) {
                a2[k] = Exp.exp(z2[k] - mx);
                tot += a2[k];
            }
            float inv = 1f / tot;
            int best = 0;
            for (int k = 0; k < c; k++) {
                a2[k] *= inv;
                if (a2[k] > a2[best]) {
                    best = k;
                }
            }
            out.loss += CrossEntropyLoss.nll(a2[label]);
            if (best == label) {
                out.correct++;
            }
            float[] w2 = W2.value().data();
            for (int r = 0; r < h; r++) {
                dZ1[r][s] = 0f;
            }
            for (int k = 0; k < c; k++) {
                float dz2 = a2[k] * invM - (k == label ? invM : 0f);
                out.db2[k] += dz2;
                for (int r = 0, o = k * h; r < h; r++) {
                    out.dW2[o + r] = Math.fma(dz2, a1[r], out.dW2[o + r]);
                    dZ1[r][s] = Math.fma(dz2, w2[o + r], dZ1[r][s]);
                }
            }
            for (int r = 0; r < h; r++) {
                float d = dZ1[r][s] * f.derivative(z1[r], a1[r]);
                dZ1[r][s] = d;
                out.db1[r] += d;
            }
        }

        /** Σ_j w[j]·x[j] over K columns: seven constant-offset terms per partial sum, then the L partials. */
        private float fold(float[] w, float[] x) {
            float[] p = t;
            for (int j = 0; j < L; j++) {
                p[j] = Math.fma(w[j], x[j], Math.fma(w[L + j], x[L + j], Math.fma(w[2 * L + j], x[2 * L + j],
                        Math.fma(w[3 * L + j], x[3 * L + j], Math.fma(w[4 * L + j], x[4 * L + j],
                        Math.fma(w[5 * L + j], x[5 * L + j], w[6 * L + j] * x[6 * L + j]))))));
            }
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (int j = 0; j < L; j += 8) {
                s0 += p[j];
                s1 += p[j + 1];
                s2 += p[j + 2];
                s3 += p[j + 3];
                s4 += p[j + 4];
                s5 += p[j + 5];
                s6 += p[j + 6];
                s7 += p[j + 7];
            }
            return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        }

        /** dW1[r] += Σ_q dZ1[r][s + q]·X[s + q] over the block, eight rows per pass. */
        private void backward(Chunk out, int S) {
            for (int s = 0; s < S; s += 8) {
                float[] x0 = X[s], x1 = X[s + 1], x2 = X[s + 2], x3 = X[s + 3];
                float[] x4 = X[s + 4], x5 = X[s + 5], x6 = X[s + 6], x7 = X[s + 7];
                for (int r = 0; r < h; r++) {
                    float[] d = dZ1[r];
                    // rows past S are zero rows; their dZ1 entries are stale, so they get a zero coefficient
                    float d0 = d[s], d1 = s + 1 < S ? d[s + 1] : 0f, d2 = s + 2 < S ? d[s + 2] : 0f;
                    float d3 = s + 3 < S ? d[s + 3] : 0f, d4 = s + 4 < S ? d[s + 4] : 0f;
                    float d5 = s + 5 < S ? d[s + 5] : 0f, d6 = s + 6 < S ? d[s + 6] : 0f;
                    float d7 = s + 7 < S ? d[s + 7] : 0f;
                    if (d0 == 0f && d1 == 0f && d2 == 0f && d3 == 0f && d4 == 0f && d5 == 0f && d6 == 0f && d7 == 0f) {
                        continue; // a unit the activation switched off for all eight rows
                    }
                    float[] g = out.dW1[r];
                    // the constant bound K (rows are zero past n): with the field n as bound C2 does not vectorise
                    for (int j = 0; j < K; j++) {
                        g[j] = Math.fma(d0, x0[j], Math.fma(d1, x1[j], Math.fma(d2, x2[j], Math.fma(d3, x3[j],
                                Math.fma(d4, x4[j], Math.fma(d5, x5[j], Math.fma(d6, x6[j], Math.fma(d7, x7[j], g[j]))))))));
                    }
                }
            }
        }
    }

    /**
     * out[s] += Σ_q w[wo + q·stride]·V[q][s] for q in [0, count), four terms per pass. Modified: out.
     */
    static void combine(float[] w, int wo, int stride, int count, float[][] V, float[] out, int S) {
        int q = 0;
        for (; q + 4 <= count; q += 4) {
            float w0 = w[wo + q * stride], w1 = w[wo + (q + 1) * stride];
            float w2 = w[wo + (q + 2) * stride], w3 = w[wo + (q + 3) * stride];
            float[] v0 = V[q], v1 = V[q + 1], v2 = V[q + 2], v3 = V[q + 3];
            for (int s = 0; s < S; s++) {
                out[s] = Math.fma(w0, v0[s], Math.fma(w1, v1[s], Math.fma(w2, v2[s], Math.fma(w3, v3[s], out[s]))));
            }
        }
        for (; q < count; q++) {
            float w0 = w[wo + q * stride];
            float[] v0 = V[q];
            for (int s = 0; s < S; s++) {
                out[s] = Math.fma(w0, v0[s], out[s]);
            }
        }
    }

    /** Σ a[s], four chains. */
    static float sum(float[] a, int S) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int s = 0;
        for (; s + 4 <= S; s += 4) {
            s0 += a[s];
            s1 += a[s + 1];
            s2 += a[s + 2];
            s3 += a[s + 3];
        }
        for (; s < S; s++) {
            s0 += a[s];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ a[s]·b[s], four chains. */
    static float dot(float[] a, float[] b, int S) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int s = 0;
        for (; s + 4 <= S; s += 4) {
            s0 = Math.fma(a[s], b[s], s0);
            s1 = Math.fma(a[s + 1], b[s + 1], s1);
            s2 = Math.fma(a[s + 2], b[s + 2], s2);
            s3 = Math.fma(a[s + 3], b[s + 3], s3);
        }
        for (; s < S; s++) {
            s0 = Math.fma(a[s], b[s], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public String toString() {
        return "fused dense-" + f.getClass().getSimpleName() + "-dense-softmax kernel, " + n + "-" + h + "-" + c
                + ", " + threads() + " thread(s)";
    }
}
