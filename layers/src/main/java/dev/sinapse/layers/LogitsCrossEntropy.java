package dev.sinapse.layers;

import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.SoftmaxOutput;

/**
 * Cross-entropy on raw scores (logits), softmax folded in, as PyTorch's CrossEntropyLoss:
 * L = −(1/m) Σ_i log softmax(Z)[i, y_i] = (1/m) Σ_i (log Σ_k exp(Z[i,k] − μ_i) − (Z[i, y_i] − μ_i)),  μ_i = max_k Z[i,k].
 * Z: m × n scores, y: m labels, Y its one-hot.   dL/dZ = (softmax(Z) − Y)/m.
 * The value is the max-shifted log-sum-exp, so it never takes the log of a probability that underflowed: no clamp
 * is needed. The gradient is {@link CrossEntropy}'s closed form through softmax, applied to the same
 * {@link SoftmaxOutput#softmax}: a network trains bit for bit alike with or without its softmax layer.
 * {@code cross_entropy} turns into this when the network does not end in softmax ({@link CrossEntropy#forOutputOf}).
 */
final class LogitsCrossEntropy implements Loss {
    private final CrossEntropy onProbabilities;

    LogitsCrossEntropy(CrossEntropy onProbabilities) {
        this.onProbabilities = onProbabilities;
    }

    @Override
    public double value(Matrix Z, int[] y) {
        Labels.check(Z, y);
        int n = Z.cols();
        float[] z = Z.data();
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            int o = i * n;
            float max = SoftmaxOutput.rowMax(z, o, n);
            double exps = 0;
            for (int j = 0; j < n; j++) {
                exps += Math.exp(z[o + j] - max);
            }
            sum += Math.log(exps) - (z[o + y[i]] - max);
        }
        return sum / y.length;
    }

    @Override
    public Matrix gradient(Matrix Z, int[] y) {
        Labels.check(Z, y);
        return onProbabilities.gradientThroughSoftmax(SoftmaxOutput.softmax(Z), y).orElseThrow();
    }
}
