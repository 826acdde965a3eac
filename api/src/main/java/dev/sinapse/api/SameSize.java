package dev.sinapse.api;

/**
 * A layer whose output is as wide as its input (an activation, dropout, softmax, flatten, batch norm): X, A: m × n.
 * It holds its name and n in one {@link Id}; inputSize and outputSize are both n. Nothing of its math is here.
 */
public interface SameSize extends Layer {
    /** The layer's name from the config ("hidden"), and n, the width of its input and of its output. */
    record Id(String name, int size) {
    }

    Id id();

    @Override
    default String name() {
        return id().name();
    }

    @Override
    default int inputSize() {
        return id().size();
    }

    @Override
    default int outputSize() {
        return id().size();
    }
}
