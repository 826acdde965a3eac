package dev.sinapse.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** An ordered stack of layers: forward through all, backward through all in reverse. */
public final class Network {
    private final int[] inputShape;
    private final List<Layer> layers;
    private final List<Param> params;

    public Network(int inputSize, List<Layer> layers) {
        this(new int[] {inputSize}, layers);
    }

    /** @param inputShape one sample's shape: {features}, or {channels, height, width} */
    public Network(int[] inputShape, List<Layer> layers) {
        this.inputShape = inputShape.clone();
        this.layers = List.copyOf(layers);
        List<Param> ps = new ArrayList<>();
        for (Layer l : layers) {
            ps.addAll(l.params());
        }
        this.params = Collections.unmodifiableList(ps);
    }

    /** The result of one training pass on a batch. */
    public record Step(double loss, Matrix output) {
    }

    public int inputSize() {
        return Shapes.size(inputShape);
    }

    /** One sample's input shape (a copy). */
    public int[] inputShape() {
        return inputShape.clone();
    }

    public int outputSize() {
        return layers.isEmpty() ? inputSize() : layers.get(layers.size() - 1).outputSize();
    }

    public List<Layer> layers() {
        return layers;
    }

    /** Every trainable parameter, layer by layer, in a fixed order. */
    public List<Param> params() {
        return params;
    }

    public Matrix forward(Matrix X, Pass pass) {
        Matrix A = X;
        for (Layer l : layers) {
            A = l.forward(A, pass);
        }
        return A;
    }

    /** Forward, loss, backward: leaves dL/dθ in every parameter's gradient. */
    public Step forwardBackward(Matrix X, int[] y, Loss loss, Pass pass) {
        Matrix A = forward(X, pass);
        double value = loss.value(A, y);
        int last = layers.size() - 1;
        Matrix d;
        if (last >= 0 && layers.get(last) instanceof SoftmaxOutput) {
            Optional<Matrix> dZ = loss.gradientThroughSoftmax(A, y);
            if (dZ.isPresent()) {
                d = dZ.get();
                last--;
            } else {
                d = loss.gradient(A, y);
            }
        } else {
            d = loss.gradient(A, y);
        }
        for (int i = last; i >= 0; i--) {
            d = layers.get(i).backward(d, pass.withInputGradient(i > 0));
        }
        return new Step(value, A);
    }

    /** The most probable class of each row. */
    public int[] predict(Matrix X, Compute compute) {
        Matrix A = forward(X, Pass.inference(compute));
        int[] p = new int[A.rows()];
        for (int i = 0; i < p.length; i++) {
            p[i] = A.argmaxRow(i);
        }
        return p;
    }
}
