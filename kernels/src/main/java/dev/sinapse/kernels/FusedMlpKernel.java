package dev.sinapse.kernels;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Network;
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
 * The same arithmetic as the layers, in blocks of rows that stay in cache: the weights do not change within a
 * step, so a block goes forward, through the loss and back before the next is read. This class is the driver (the
 * network's match, the chunks, the threads, the sum of the chunks' partials); the arithmetic of a block is a
 * {@link Blocks} strategy, each a kernel of its own name:
 * <ul>
 * <li>"fused", {@link ScalarBlocks}: plain loops that HotSpot C2 vectorises, what a plain {@code java -jar} runs;
 * <li>"fused-vector", {@link VectorBlocks}: the Vector API, when Java has {@code --add-modules jdk.incubator.vector}
 *     and the CPU has 256-bit vectors. No class of that module is loaded otherwise: this class and the scalar
 *     strategy name none of its types.
 * </ul>
 * Both end in {@link BlockTail} (Z2, softmax, loss, dZ2, dW2, dZ1). The two agree to float rounding, not bitwise,
 * so a checkpoint records which one trained it.
 *
 * <p>Determinism: rows are cut into chunks that depend only on the batch size (about {@value #CHUNK} rows, or
 * two halves of a smaller batch, see {@link #chunks}); each chunk sums its rows into its own partial
 * gradients and loss ({@link ChunkPartials}); partials are added in chunk order. One thread or several give
 * bitwise the same gradients. The chunks run on {@link SpinWorkers}, whose hand-off costs far less than the
 * ~30 µs a half mini-batch takes.
 */
final class FusedMlpKernel implements BatchKernel {
    /** The names the factories are bound under: recorded in checkpoints. */
    static final String NAME = "fused";
    static final String VECTOR_NAME = "fused-vector";
    /** The padded row width: at most this many inputs. */
    static final int K = 784;
    /** Rows per work unit (a constant, so the reduction order does not depend on the thread count). */
    static final int CHUNK = 1024;
    /** The chunk count of a large batch is a multiple of this (see {@link #chunks}). */
    static final int BALANCE = 12;
    /**
     * The Vector API kernel runs when Java has the module and the CPU has 256-bit vectors (AVX2 or better): on a
     * smaller CPU the API's 256-bit operations would run in Java code, far slower than the plain kernel. Without
     * the module {@link VectorApi} never reaches {@link VectorBlocks}, so that class is never loaded.
     */
    private static final boolean VECTOR_API = VectorApi.unavailable().isEmpty();

    /** Whether {@link VectorFactory} makes a kernel in this JVM on this CPU. */
    static boolean vectorKernelAvailable() {
        return VECTOR_API;
    }

    /** The arithmetic of a block of rows, from the rows to their partial gradients; one per kernel. */
    interface Blocks {
        /** Rows a block carries through forward, tail and backward together. */
        int block();

        /** Rows of each chunk's dW1 partial, {@value FusedMlpKernel#K} floats each (rows past h stay zero). */
        int units();

        /** A batch of fewer rows is one chunk, run on the caller. */
        int soloRows();

        /**
         * On the caller before each batch: the rows in this strategy's form (once per dataset) and the weights.
         * inOrder: the batch's row count when its rows are 0, 1, 2, … of the training set (a full batch), else 0.
         */
        void prepare(Dataset train, float scale, int inOrder);

        /** One worker thread's buffers. */
        Block newBlock();

        /** What {@code toString} says after "kernel": empty, or the instruction set. */
        String note();
    }

    /** One worker thread's buffers and the block arithmetic on them. */
    interface Block {
        /** Rows order[from..from+S) of the prepared rows, S ≤ {@link Blocks#block()}. Modified: out. */
        void run(ChunkPartials out, int[] order, int from, int S, float invM);

        /**
         * A chunk's rows order[from..to), in blocks of at most {@code rows}; a strategy may instead do part of the
         * work once for the whole chunk. Modified: out.
         */
        default void runChunk(ChunkPartials out, int[] order, int from, int to, float invM, int rows) {
            for (int i = from; i < to; i += rows) {
                run(out, order, i, Math.min(rows, to - i), invM);
            }
        }
    }

    private final String name;
    private final MlpShape net;
    private final Blocks blocks;
    private final int n;
    private final int h;
    private final SpinWorkers workers;
    private ChunkPartials[] chunks = new ChunkPartials[0];
    // the batch being run, read by the chunk tasks (fields rather than a capturing lambda: no allocation per batch)
    private int[] runOrder;
    private int runFrom;
    private int runTo;
    private float runInvM;
    private int runTasks;
    private final IntConsumer chunkTask = this::runChunk;
    private final IntConsumer reduceRow = this::reduceRow;
    // per-thread block buffers (the scalar Xᵀ alone is 400 KB), so chunks keep only their partial sums
    private final ThreadLocal<Block> threadBlocks;

    private FusedMlpKernel(String name, MlpShape net, Blocks blocks, int threads) {
        this.name = name;
        this.net = net;
        this.blocks = blocks;
        this.n = net.n();
        this.h = net.h();
        this.workers = SpinWorkers.shared(threads);
        this.threadBlocks = ThreadLocal.withInitial(blocks::newBlock);
    }

    /** The plain fused kernel: dense → activation → dense → softmax with cross-entropy, at most {@value #K} inputs. */
    static final class Factory implements KernelFactory {
        @Override
        public int priority() {
            return 10;
        }

        @Override
        public Optional<BatchKernel> create(Network network, Loss loss, int threads) {
            return MlpShape.match(network, loss, K)
                    .map(s -> new FusedMlpKernel(NAME, s, new ScalarBlocks(s), Math.max(1, threads)));
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
            return MlpShape.match(network, loss, K)
                    .map(s -> new FusedMlpKernel(VECTOR_NAME, s, new VectorBlocks(s), Math.max(1, threads)));
        }

        @Override
        public String help() {
            return "as fused, with the Vector API: needs java --add-modules jdk.incubator.vector and AVX2 or better";
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** Threads this kernel runs on. */
    int threads() {
        return workers.threads();
    }

    @Override
    public Result run(Dataset train, int[] order, int from, int to, float scale, Pass pass) {
        int m = to - from;
        if (m <= 0) {
            throw new IllegalArgumentException("empty batch " + from + ".." + to);
        }
        if (train.features() != n) {
            throw new IllegalArgumentException("rows have " + train.features() + " features, W1 expects " + n);
        }
        blocks.prepare(train, scale, inOrder(order, from, to) ? m : 0);
        int tasks = m < blocks.soloRows() ? 1 : chunks(m);
        if (chunks.length < tasks) {
            ChunkPartials[] more = Arrays.copyOf(chunks, tasks);
            for (int i = chunks.length; i < tasks; i++) {
                more[i] = new ChunkPartials(h, net.c(), blocks.units(), K);
            }
            chunks = more;
        }
        runOrder = order;
        runFrom = from;
        runTo = to;
        runTasks = tasks;
        runInvM = 1f / m;
        workers.forEach(tasks, chunkTask); // one task runs on the caller
        runOrder = null;
        return reduce(tasks);
    }

    /**
     * Work units of a batch of m rows, a function of the batch size alone. A mini-batch is two halves (rounded up
     * to 8 rows, see {@link #chunkStart}) so that a batch of 32 also uses two threads. A larger batch is cut into
     * about {@value #CHUNK}-row chunks, their count rounded up to a multiple of {@value #BALANCE}, all of one size
     * to a row: 1, 2, 3, 4, 6 or 12 threads then get equal shares. With a fixed {@value #CHUNK} rows, 41 chunks
     * and a short one left one thread a whole chunk behind the other on two threads (2.4% of a 42,000-row step),
     * and the 7,000-row tutorial's 7 chunks ran as 4 against 3 (17%).
     */
    static int chunks(int m) {
        if (m < 2 * CHUNK) {
            return m < 16 ? 1 : 2;
        }
        int t = (m + CHUNK - 1) / CHUNK;
        return (t + BALANCE - 1) / BALANCE * BALANCE;
    }

    /** The first row of chunk t of {@code tasks} over m rows (t = tasks gives m). */
    static int chunkStart(int m, int tasks, int t) {
        if (tasks == 2 && m < 2 * CHUNK) {
            return t == 0 ? 0 : t == 1 ? Math.min(m, ((m + 1) / 2 + 7) & ~7) : m;
        }
        return (int) ((long) m * t / tasks);
    }

    /** Whether order[from..to) is 0, 1, …, to − from − 1. */
    private static boolean inOrder(int[] order, int from, int to) {
        for (int i = from; i < to; i++) {
            if (order[i] != i - from) {
                return false;
            }
        }
        return true;
    }

    /** Chunk t: its rows' partial gradients and loss, block by block. */
    private void runChunk(int t) {
        int m = runTo - runFrom;
        int from = runFrom + chunkStart(m, runTasks, t), to = runFrom + chunkStart(m, runTasks, t + 1);
        ChunkPartials out = chunks[t];
        out.clear(to - from);
        threadBlocks.get().runChunk(out, runOrder, from, to, runInvM, blocks.block());
    }

    /** Adds the chunks' partials in chunk order into the parameters' gradients (overwriting them). */
    private Result reduce(int tasks) {
        if (tasks <= 2) {
            // a mini-batch: one pass over dW1, cheaper here than handing work to another thread
            for (int r = 0; r < h; r++) {
                reduceRow(r);
            }
        } else {
            workers.forEach(h, reduceRow);
        }
        return ChunkPartials.totals(chunks, tasks, net.b1(), net.W2(), net.b2());
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
        System.arraycopy(acc, 0, net.W1().grad().data(), r * n, n);
    }

    @Override
    public String toString() {
        return "fused dense-" + net.f().getClass().getSimpleName() + "-dense-softmax kernel" + blocks.note() + ", "
                + n + "-" + h + "-" + net.c() + ", " + threads() + " thread(s)";
    }
}
