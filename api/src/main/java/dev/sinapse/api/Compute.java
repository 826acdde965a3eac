package dev.sinapse.api;

import java.util.function.IntConsumer;

/**
 * The matrix products layers need. Implementations may use several threads, but must give bitwise the
 * same result whatever the thread count: exact resume depends on it. Shapes: A is m × k, the result is named.
 */
public interface Compute {

    /** A·Bᵀ: (m × k)·(n × k)ᵀ = m × n. The dense forward Z = X·Wᵀ. */
    Matrix timesTransB(Matrix A, Matrix B);

    /** Aᵀ·B: (m × n)ᵀ·(m × k) = n × k. The dense weight gradient dW = dZᵀ·X. Result written to {@code out}. */
    void transATimesInto(Matrix A, Matrix B, Matrix out);

    /** A·B: (m × k)·(k × n) = m × n. The dense input gradient dX = dZ·W. */
    Matrix times(Matrix A, Matrix B);

    /**
     * Runs {@code task.accept(i)} for every i in [0, tasks), possibly on several threads, and returns when all are
     * done; the first exception a task throws is rethrown. Tasks must write disjoint outputs and must not depend on
     * which thread runs them or in which order: then the result is bitwise the same for any thread count. Layers
     * whose work splits by sample (convolution, pooling) use it. This default runs them in order on the caller's thread.
     */
    default void forEach(int tasks, IntConsumer task) {
        for (int i = 0; i < tasks; i++) {
            task.accept(i);
        }
    }

    /** Threads this compute uses (1 for the serial one). */
    default int threads() {
        return 1;
    }

    /** The plain single-thread reference kernels. */
    static Compute serial() {
        return SerialCompute.INSTANCE;
    }
}
