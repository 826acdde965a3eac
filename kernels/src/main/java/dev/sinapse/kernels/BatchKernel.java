package dev.sinapse.kernels;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Pass;

/**
 * Forward and backward of one batch of training rows: leaves dL/dθ in every parameter's gradient and returns
 * the batch's mean loss and how many rows it classified right. The layer-by-layer kernel runs any network; a
 * fused kernel does the same arithmetic in one pass over the rows for the networks its {@link KernelFactory}
 * accepts. Kernels agree to float rounding only, so a run records {@link #name()} and resumes on the same one.
 */
public interface BatchKernel {
    record Result(double loss, long correct) {
    }

    /** Rows order[from..to) of {@code train}, pixels times {@code scale}. */
    Result run(Dataset train, int[] order, int from, int to, float scale, Pass pass);

    /** The key its factory is bound under ("layers", "fused"): recorded in checkpoints. */
    String name();

    /**
     * The network's output for a batch in inference mode (evaluate, predict, the dev set). By default the layers'
     * own forward; a kernel with a faster forward for its networks may override it.
     */
    default Matrix outputs(Network network, Matrix X, Compute compute) {
        return network.forward(X, Pass.inference(compute));
    }

    /** How many rows of {@code A} have their largest entry at the label: the hits of a batch. */
    static long hits(Matrix A, int[] y) {
        long c = 0;
        for (int i = 0; i < y.length; i++) {
            if (A.argmaxRow(i) == y[i]) {
                c++;
            }
        }
        return c;
    }
}
