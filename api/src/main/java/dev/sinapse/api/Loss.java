package dev.sinapse.api;

import java.util.Optional;

/** L(A, y): a mean over the m rows of the network output A; y holds the class of each row. */
public interface Loss {
    /** The mean loss. */
    double value(Matrix A, int[] y);

    /** dL/dA (already divided by m). */
    Matrix gradient(Matrix A, int[] y);

    /**
     * dL/dZ when A = softmax(Z), if this loss has a stable closed form for it (cross-entropy: (A − Y)/m).
     * Empty means: use {@link #gradient} and the softmax layer's own backward.
     */
    default Optional<Matrix> gradientThroughSoftmax(Matrix A, int[] y) {
        return Optional.empty();
    }

    /**
     * The loss that reads {@code network}'s output: this one when it takes the output as it is, or the form that
     * fits how the network ends (cross-entropy folds softmax in when the network ends in raw scores, as PyTorch's
     * CrossEntropyLoss does). Called once the network is built, before any training or inference; fails with one
     * line saying what to change when this loss cannot read that output. By default, this loss, for any output.
     */
    default Loss forOutputOf(Network network) {
        return this;
    }
}
