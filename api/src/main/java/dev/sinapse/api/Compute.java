package dev.sinapse.api;

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

    /** Threads this compute uses (1 for the serial one). */
    default int threads() {
        return 1;
    }

    /** The plain single-thread reference kernels. */
    static Compute serial() {
        return SerialCompute.INSTANCE;
    }
}
