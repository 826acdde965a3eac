package dev.sinapse.api;

/** A trainable tensor and its gradient, same shape. The name ("hidden.W") is used only in saved files and messages. */
public final class Param {
    private final String name;
    private final Matrix value;
    private final Matrix grad;
    private final boolean decays;

    /** @param decays whether L2 weight decay applies (weights yes, biases no) */
    public Param(String name, Matrix value, boolean decays) {
        this.name = name;
        this.value = value;
        this.grad = new Matrix(value.rows(), value.cols());
        this.decays = decays;
    }

    public String name() {
        return name;
    }

    public Matrix value() {
        return value;
    }

    public Matrix grad() {
        return grad;
    }

    public boolean decays() {
        return decays;
    }

    @Override
    public String toString() {
        return name + " " + value.shape();
    }
}
