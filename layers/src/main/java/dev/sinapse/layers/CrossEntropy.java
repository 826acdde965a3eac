package dev.sinapse.layers;

import dev.sinapse.api.CrossEntropyLoss;
import dev.sinapse.api.Elementwise;
import dev.sinapse.api.Layer;
import dev.sinapse.api.Loss;
import dev.sinapse.api.LossFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Options;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.SoftmaxOutput;
import java.util.List;
import java.util.Optional;

/**
 * L = −(1/m) Σ_i log A[i, y_i].   A: m × n probabilities, y: m labels, Y its one-hot m × n.
 * dL/dA = −1/(m·A[i, y_i]) at the label, 0 elsewhere. Through softmax: dL/dZ = (A − Y)/m.
 * A is clamped at {@link CrossEntropyLoss#TINY} so a probability that underflowed to 0 gives a large finite loss instead of ∞;
 * the closed form through softmax never divides by A, which is why training uses it.
 * A network that ends in raw scores instead of softmax is trained with {@link LogitsCrossEntropy} ({@link #forOutputOf}).
 */
final class CrossEntropy implements CrossEntropyLoss {
    @Override
    public double value(Matrix A, int[] y) {
        Labels.check(A, y);
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += CrossEntropyLoss.nll(A.get(i, y[i]));
        }
        return sum / y.length;
    }

    @Override
    public Matrix gradient(Matrix A, int[] y) {
        Labels.check(A, y);
        int m = y.length;
        Matrix dA = new Matrix(A.rows(), A.cols());
        for (int i = 0; i < m; i++) {
            dA.set(i, y[i], -1f / (m * Math.max(A.get(i, y[i]), TINY)));
        }
        return dA;
    }

    @Override
    public Optional<Matrix> gradientThroughSoftmax(Matrix A, int[] y) {
        Labels.check(A, y);
        int m = y.length;
        Matrix dZ = A.copy();
        for (int i = 0; i < m; i++) {
            dZ.set(i, y[i], dZ.get(i, y[i]) - 1f);
        }
        dZ.scaleInPlace(1f / m);
        return Optional.of(dZ);
    }

    /**
     * Through a softmax layer, this loss on its probabilities; on raw scores (a dense layer last, or any layer that
     * is not an activation), {@link LogitsCrossEntropy}, softmax folded in. An activation last (relu, sigmoid, tanh)
     * is refused: its values are neither a distribution nor free scores, and training on them goes nowhere.
     */
    @Override
    public Loss forOutputOf(Network network) {
        List<Layer> layers = network.layers();
        Layer last = layers.get(layers.size() - 1);
        if (last instanceof SoftmaxOutput) {
            return this;
        }
        if (last instanceof Elementwise) {
            throw new SinapseException("network: cross_entropy cannot read the output of the last layer '" + last.name()
                    + "', an activation: its values are neither probabilities nor free scores; end the network with a"
                    + " dense layer (scores, softmax folded into the loss) or with a softmax layer");
        }
        return new LogitsCrossEntropy(this);
    }

    /** No options. */
    static final class Factory implements LossFactory {
        @Override
        public Loss create(Options options) {
            return new CrossEntropy();
        }

        @Override
        public String help() {
            return "categorical cross-entropy, -mean log A[label], on a softmax output or on raw scores (softmax folded in); no options";
        }
    }
}
