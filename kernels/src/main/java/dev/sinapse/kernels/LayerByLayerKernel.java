package dev.sinapse.kernels;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Pass;
import java.util.Optional;

/**
 * The generic batch kernel: the network's own forward and backward, layer by layer. Runs any network. As
 * "layers" its products are the caller's ({@link ParallelCompute}); as "layers-vector" they are the Vector API
 * ones ({@link VectorCompute}), whose rounding differs, hence a name of its own in checkpoints.
 */
final class LayerByLayerKernel implements BatchKernel {
    static final String NAME = "layers";
    static final String VECTOR_NAME = "layers-vector";
    private static final boolean VECTOR_API = VectorApi.unavailable().isEmpty();
    /** Values a thread must gather to be worth a hand-off. */
    private static final long MIN_GATHER = 1 << 13;
    private final String name;
    /** The products the layers run on, or null for the caller's. */
    private final Compute compute;
    private final Network network;
    private final Loss loss;
    /** A batch's rows made by the kernel itself (the Vector API's conversion), or null: the dataset's batchInto. */
    private final Gather rows;
    // full batch: the same rows every step, so they are scaled to floats once
    private Matrix cachedX;
    private int[] cachedY;
    private int[] cachedOrder;
    /**
     * A mini-batch's rows, rewritten every step: a new 64 × 784 matrix a step was 200 KB cleared by the JVM on the
     * caller's thread, only to be overwritten. Nothing keeps a batch's rows past its step.
     */
    private Matrix batch;

    LayerByLayerKernel(String name, Compute compute, Network network, Loss loss) {
        this(name, compute, network, loss, null);
    }

    LayerByLayerKernel(String name, Compute compute, Network network, Loss loss, Gather rows) {
        this.name = name;
        this.compute = compute;
        this.network = network;
        this.loss = loss;
        this.rows = rows;
    }

    /** Rows of a dataset of pixels ({@link Dataset#bytes()}) as floats, the kernel's own way. */
    interface Gather {
        /** Rows order[from..to) as (pixel &amp; 0xFF)·scale into out from offset on, features a row. Modified: out. */
        void gather(Dataset train, int[] order, int from, int to, float scale, float[] out, int offset);
    }

    @Override
    public String name() {
        return name;
    }

    private Pass onOwnCompute(Pass pass) {
        return compute == null ? pass : pass.withCompute(compute);
    }

    @Override
    public Matrix outputs(Network net, Matrix X, Compute given) {
        return net.forward(X, Pass.inference(compute == null ? given : compute));
    }

    @Override
    public Result run(Dataset train, int[] order, int from, int to, float scale, Pass pass) {
        Matrix X;
        int[] y;
        boolean whole = from == 0 && to == train.size();
        if (whole && cachedX != null && cachedOrder == order) {
            X = cachedX;
            y = cachedY;
        } else {
            int m = to - from, n = train.features();
            boolean reuse = !whole && batch != null && batch.rows() == m && batch.cols() == n;
            X = reuse ? batch : new Matrix(m, n);
            if (rows != null && !whole && train.bytes()) {
                // on the caller: eight pixels a vector take less time than a hand-off to another thread would save
                rows.gather(train, order, from, to, scale, X.data(), 0);
            } else {
                gather(train, order, from, to, scale, compute == null ? pass.compute() : compute, X);
            }
            if (!whole) {
                batch = X;
            }
            y = train.labels(order, from, to);
            if (whole) {
                cachedX = X;
                cachedY = y;
                cachedOrder = order;
            }
        }
        Network.Step s = network.forwardBackward(X, y, loss, onOwnCompute(pass));
        return new Result(s.loss(), BatchKernel.hits(s.output(), y));
    }

    /**
     * The batch's rows as floats into X, in up to four shares of the rows a thread (each value is computed alone, so any
     * split gives the same floats; several shares a thread, so that one that finishes first takes another). At batch
     * 64, wide-dropout's gather of 50,000 scattered pixels was a tenth of a two-thread step, on one thread.
     */
    private static void gather(Dataset train, int[] order, int from, int to, float scale, Compute compute, Matrix X) {
        int m = to - from, n = train.features();
        float[] x = X.data();
        int parts = (int) Math.min(4L * compute.threads(), Math.max(1, (long) m * n / MIN_GATHER));
        if (parts <= 1) {
            train.batchInto(order, from, to, scale, x, 0);
        } else {
            compute.forEach(parts, t -> {
                int a = from + (int) ((long) m * t / parts), b = from + (int) ((long) m * (t + 1) / parts);
                train.batchInto(order, a, b, scale, x, (a - from) * n);
            });
        }
    }

    @Override
    public String toString() {
        // the products say which: the two round differently, and a user comparing runs needs to know
        return compute == null ? "layer-by-layer kernel" : "layer-by-layer kernel, " + compute + " products";
    }

    /** Accepts every network: the fallback, at the lowest priority. */
    static final class Factory implements KernelFactory {
        @Override
        public int priority() {
            return 0;
        }

        @Override
        public Optional<BatchKernel> create(Network network, Loss loss, int threads) {
            return Optional.of(new LayerByLayerKernel(NAME, null, network, loss));
        }

        @Override
        public String help() {
            return "any network: each layer's own forward and backward, products through Compute";
        }
    }

    /**
     * Any network on the Vector API products, where this JVM and CPU can run them: above "layers", so it runs every
     * network the fused kernel does not match. Measured on 2 AVX2 cores (best of 3 alternated runs), wide-dropout on
     * Fashion-MNIST 42k ran an epoch in 1,016 ms against 1,127 on one thread and 687 against 780 on two; LeNet was
     * level (docs/performance.md, round 7).
     */
    static final class VectorFactory implements KernelFactory {
        @Override
        public int priority() {
            return 1;
        }

        @Override
        public Optional<BatchKernel> create(Network network, Loss loss, int threads) {
            if (!VECTOR_API) {
                return Optional.empty();
            }
            return Optional.of(new LayerByLayerKernel(VECTOR_NAME, new VectorCompute(Math.max(1, threads)), network, loss,
                    new VectorRows()));
        }

        @Override
        public String help() {
            return "as layers, with register-tiled Vector API products (the default where it runs): needs the Vector API and AVX2 or better";
        }
    }
}
