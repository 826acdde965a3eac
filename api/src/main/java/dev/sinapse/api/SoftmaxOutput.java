package dev.sinapse.api;

/**
 * Marks a layer whose output rows are softmax(input rows). A loss that has a closed form through softmax
 * ({@link Loss#gradientThroughSoftmax}) then skips this layer's backward: (A − Y)/m never divides by A.
 */
public interface SoftmaxOutput extends Layer {
    /**
     * A = softmax(Z) row by row: A[i,j] = exp(Z[i,j] − max_k Z[i,k]) / Σ_k exp(Z[i,k] − max_k Z[i,k]).   Z, A: m × n.
     * Subtracting the row max is on purpose: the tutorial's exp(Z)/Σexp(Z) overflows to ∞/∞ = NaN once a score
     * passes ~88 in float32; shifted, every exp is ≤ 1 and the sum is ≥ 1. The one copy of this arithmetic outside
     * the fused kernels: the softmax layer, cross-entropy on raw scores and inference's probabilities all call it.
     * Not modified: Z.
     */
    /** max_j z[o + j] over the n values of one row: the shift that keeps every exp(z − max) ≤ 1. */
    static float rowMax(float[] z, int o, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, z[o + j]);
        }
        return max;
    }

    static Matrix softmax(Matrix Z) {
        int m = Z.rows(), n = Z.cols();
        float[] z = Z.data();
        Matrix A = new Matrix(m, n);
        float[] a = A.data();
        for (int i = 0; i < m; i++) {
            int o = i * n;
            float max = rowMax(z, o, n);
            double sum = 0;
            for (int j = 0; j < n; j++) {
                a[o + j] = (float) Math.exp(z[o + j] - max);
                sum += a[o + j];
            }
            for (int j = 0; j < n; j++) {
                a[o + j] = (float) (a[o + j] / sum);
            }
        }
        return A;
    }
}
