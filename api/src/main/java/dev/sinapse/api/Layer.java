package dev.sinapse.api;

import java.util.List;

/**
 * One step of a network. Batches are sample-major: X is m × inputSize, the output m × outputSize.
 * {@code forward} caches what {@code backward} needs; {@code backward} receives dL/dY, writes the gradients
 * of its parameters (overwriting them) and returns dL/dX (or null when {@link Pass#inputGradient()} is false).
 */
public interface Layer extends Stateful {
    /** The instance name from the config ("hidden"); prefixes parameter names. */
    String name();

    int inputSize();

    int outputSize();

    /**
     * One sample's output shape: {width} for flat features, {channels, height, width} for images. Its product is
     * {@link #outputSize()}; reports and shape checks read it.
     */
    default int[] outputShape() {
        return new int[] {outputSize()};
    }

    /** Floating-point operations of one sample's forward pass (a multiply-add counts two); for summaries. */
    default long forwardFlopsPerSample() {
        return 0;
    }

    Matrix forward(Matrix X, Pass pass);

    Matrix backward(Matrix dY, Pass pass);

    /** Trainable parameters, in a fixed order. */
    default List<Param> params() {
        return List.of();
    }
}
