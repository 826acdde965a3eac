package dev.sinapse.kernels;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Pass;
import java.util.Optional;

/** The generic batch kernel: the network's own forward and backward, layer by layer. Runs any network. */
final class LayerByLayerKernel implements BatchKernel {
    static final String NAME = "layers";
    private final Network network;
    private final Loss loss;
    // full batch: the same rows every step, so they are scaled to floats once
    private Matrix cachedX;
    private int[] cachedY;
    private int[] cachedOrder;

    LayerByLayerKernel(Network network, Loss loss) {
        this.network = network;
        this.loss = loss;
    }

    @Override
    public String name() {
        return NAME;
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
            X = train.batch(order, from, to, scale);
            y = train.labels(order, from, to);
            if (whole) {
                cachedX = X;
                cachedY = y;
                cachedOrder = order;
            }
        }
        Network.Step s = network.forwardBackward(X, y, loss, pass);
        return new Result(s.loss(), BatchKernel.hits(s.output(), y));
    }

    @Override
    public String toString() {
        return "layer-by-layer kernel";
    }

    /** Accepts every network: the fallback, at the lowest priority. */
    static final class Factory implements KernelFactory {
        @Override
        public int priority() {
            return 0;
        }

        @Override
        public Optional<BatchKernel> create(Network network, Loss loss, int threads) {
            return Optional.of(new LayerByLayerKernel(network, loss));
        }

        @Override
        public String help() {
            return "any network: each layer's own forward and backward, products through Compute";
        }
    }
}
