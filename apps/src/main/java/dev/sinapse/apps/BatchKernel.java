package dev.sinapse.apps;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Pass;

/**
 * Forward and backward of one batch of training rows: leaves dL/dθ in every parameter's gradient and returns
 * the batch's mean loss and how many rows it classified right. The generic kernel runs the network layer by
 * layer; a fused kernel may do the same arithmetic in one pass over the rows for a network shape it knows.
 */
public interface BatchKernel {
    record Result(double loss, long correct) {
    }

    /** Rows order[from..to) of {@code train}, pixels times {@code scale}. */
    Result run(Dataset train, int[] order, int from, int to, float scale, Pass pass);

    /** A short name for the arithmetic this kernel does (runs and their resumes must use the same). */
    default String name() {
        return "layers";
    }
}
