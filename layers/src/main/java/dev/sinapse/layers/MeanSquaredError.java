package dev.sinapse.layers;

import dev.sinapse.api.Loss;
import dev.sinapse.api.LossFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;

/**
 * L = (1/(m·n)) Σ_ij (A[i,j] − Y[i,j])²,   A: m × n, Y the one-hot labels.   dL/dA = 2(A − Y)/(m·n).
 * The mean is over all m·n elements (as Keras and PyTorch do), not per row.
 */
final class MeanSquaredError implements Loss {
    @Override
    public double value(Matrix A, int[] y) {
        Labels.check(A, y);
        double sum = 0;
        for (int i = 0; i < A.rows(); i++) {
            for (int j = 0; j < A.cols(); j++) {
                double d = A.get(i, j) - (j == y[i] ? 1.0 : 0.0);
                sum += d * d;
            }
        }
        return sum / ((double) A.rows() * A.cols());
    }

    @Override
    public Matrix gradient(Matrix A, int[] y) {
        Labels.check(A, y);
        Matrix dA = A.copy();
        for (int i = 0; i < y.length; i++) {
            dA.set(i, y[i], dA.get(i, y[i]) - 1f);
        }
        dA.scaleInPlace((float) (2.0 / ((double) A.rows() * A.cols())));
        return dA;
    }

    /** No options. */
    static final class Factory implements LossFactory {
        @Override
        public Loss create(Options options) {
            return new MeanSquaredError();
        }

        @Override
        public String help() {
            return "mean squared error against the one-hot labels, over all outputs; no options";
        }
    }
}
