package dev.sinapse.api;

/**
 * How one forward/backward pass runs: in training or inference, with which kernels, with which random
 * generator (dropout), and whether the caller needs the gradient with respect to the input.
 */
public final class Pass {
    private final boolean training;
    private final Compute compute;
    private final Rng rng;
    private final boolean inputGradient;

    private Pass(boolean training, Compute compute, Rng rng, boolean inputGradient) {
        this.training = training;
        this.compute = compute;
        this.rng = rng;
        this.inputGradient = inputGradient;
    }

    public static Pass training(Compute compute, Rng rng) {
        return new Pass(true, compute, rng, true);
    }

    public static Pass inference(Compute compute) {
        return new Pass(false, compute, null, true);
    }

    public boolean training() {
        return training;
    }

    public Compute compute() {
        return compute;
    }

    /** The generator for random masks; only in training. */
    public Rng rng() {
        if (rng == null) {
            throw new IllegalStateException("no random generator in an inference pass");
        }
        return rng;
    }

    /** False for the first layer: nobody reads dX of the data, so it need not be computed. */
    public boolean inputGradient() {
        return inputGradient;
    }

    /** The same pass on other products: a kernel that brings its own {@link Compute} runs the layers on it. */
    public Pass withCompute(Compute other) {
        return other == compute ? this : new Pass(training, other, rng, inputGradient);
    }

    public Pass withInputGradient(boolean needed) {
        return needed == inputGradient ? this : new Pass(training, compute, rng, needed);
    }
}
