package dev.sinapse.layers;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Pass;
import dev.sinapse.api.SameSize;
import dev.sinapse.api.SoftmaxOutput;

/**
 * A = softmax(Z) row by row: A[i,j] = exp(Z[i,j] − max_k Z[i,k]) / Σ_k exp(Z[i,k] − max_k Z[i,k]).   Z, A: m × n.
 * Backward, the full Jacobian product: dZ = A ⊙ (dA − rowsum(dA ⊙ A)).
 * The forward is {@link SoftmaxOutput#softmax} (max-shifted, see there). Cross-entropy skips this backward
 * (see {@link SoftmaxOutput}) and uses (A − Y)/m directly.
 */
final class Softmax implements SoftmaxOutput, SameSize {
    private final Id id;
    private Matrix A;

    Softmax(String name, int size) {
        this.id = new Id(name, size);
    }

    @Override
    public Id id() {
        return id;
    }

    /** Per value: a compare for the max, a subtraction, an exp, an addition to the sum and a division: 5·n. */
    @Override
    public long forwardFlopsPerSample() {
        return 5L * outputSize();
    }

    @Override
    public Matrix forward(Matrix Z, Pass pass) {
        Inputs.requireWidth(this, "softmax", Z);
        Matrix A = SoftmaxOutput.softmax(Z);
        this.A = A;
        return A;
    }

    @Override
    public Matrix backward(Matrix dA, Pass pass) {
        if (!pass.inputGradient()) {
            return null;
        }
        int m = A.rows(), n = A.cols();
        float[] a = A.data(), da = dA.data();
        Matrix dZ = new Matrix(m, n);
        float[] dz = dZ.data();
        for (int i = 0; i < m; i++) {
            int o = i * n;
            double dot = 0; // rowsum(dA ⊙ A)
            for (int j = 0; j < n; j++) {
                dot += (double) da[o + j] * a[o + j];
            }
            for (int j = 0; j < n; j++) {
                dz[o + j] = (float) (a[o + j] * (da[o + j] - dot));
            }
        }
        return dZ;
    }

    /** No options. */
    static final class Factory implements LayerFactory {
        @Override
        public Layer create(LayerContext ctx) {
            return new Softmax(ctx.name(), ctx.inputSize());
        }

        @Override
        public String help() {
            return "row-wise softmax (max-shifted, stable) for class probabilities; no options";
        }
    }
}
