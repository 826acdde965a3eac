package dev.sinapse.api;

/**
 * A layer whose output is as wide as its input (an activation, dropout, softmax, flatten, batch norm): X, A: m × n.
 * It holds its name, n and its output shape in one {@link Id}; inputSize and outputSize are both n. Nothing of its
 * math is here.
 */
public interface SameSize extends Layer {
    /**
     * The layer's name from the config ("hidden"), n, the width of its input and of its output, and the output's shape
     * (of product n): an element-wise layer keeps its input's ({@link #of}), so an activation between a convolution and
     * a pooling layer passes the image shape on.
     */
    record Id(String name, int size, int[] shape) {
        public Id {
            shape = shape.clone();
            if (Shapes.size(shape) != size) {
                throw new IllegalArgumentException("shape " + Shapes.format(shape) + " does not hold " + size + " values");
            }
        }

        /** A flat output of {@code size} features. */
        public Id(String name, int size) {
            this(name, size, new int[] {size});
        }

        /** The name and the input shape of a factory's context: the output keeps the input's shape. */
        public static Id of(LayerContext ctx) {
            return new Id(ctx.name(), ctx.inputSize(), ctx.inputShape());
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }
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

    @Override
    default int[] outputShape() {
        return id().shape();
    }
}
