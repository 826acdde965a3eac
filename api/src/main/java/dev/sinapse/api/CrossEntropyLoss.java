package dev.sinapse.api;

/**
 * The role of the categorical cross-entropy L = −(1/m) Σ_i log A[i, y_i]. Every place that computes it (the loss
 * itself and fused kernels) takes the log of a probability through {@link #nll}, so all clamp alike.
 */
public interface CrossEntropyLoss extends Loss {
    /**
     * The smallest probability whose log is taken: a probability that underflowed to 0 gives a large finite loss
     * (about 69) instead of ∞.
     */
    float TINY = 1e-30f;

    /** −log p, with p clamped at {@link #TINY}. */
    static double nll(float p) {
        return -Math.log(Math.max(p, TINY));
    }
}
