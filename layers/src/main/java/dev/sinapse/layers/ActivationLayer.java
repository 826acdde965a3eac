package dev.sinapse.layers;

import dev.sinapse.api.Activation;
import dev.sinapse.api.Elementwise;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Pass;
import dev.sinapse.api.SameSize;
import dev.sinapse.api.Shapes;

/**
 * A = f(Z) element-wise; dZ = dA ⊙ f'(Z). Large batches (a convolution's output: 64 × 4,704 values in LeNet) are cut
 * into fixed slices run through {@link dev.sinapse.api.Compute#forEach}, so the other threads do not wait on one; each
 * value is computed alone, so the slicing cannot change a bit.
 */
public final class ActivationLayer implements Elementwise, SameSize {
    /** Values per task: below this a slice costs more to hand over than to compute. */
    private static final int SLICE = 1 << 15;
    private final Id id;
    private final Activation f;
    private Matrix Z;
    private Matrix A;

    public ActivationLayer(String name, int size, Activation f) {
        this(name, new int[] {size}, f);
    }

    /** On samples of {@code shape}, which the output keeps. */
    public ActivationLayer(String name, int[] shape, Activation f) {
        this.id = new Id(name, Shapes.size(shape), shape);
        this.f = f;
    }

    @Override
    public Id id() {
        return id;
    }

    /** One evaluation of f per value, counted as one FLOP whatever f costs (relu a compare, tanh an exp or two). */
    @Override
    public long forwardFlopsPerSample() {
        return outputSize();
    }

    @Override
    public Activation activation() {
        return f;
    }

    @Override
    public Matrix forward(Matrix Z, Pass pass) {
        float[] z = Z.data();
        Matrix A = new Matrix(Z.rows(), Z.cols());
        float[] a = A.data();
        pass.compute().forEach(slices(z.length), t -> f.apply(z, a, t * SLICE, Math.min(z.length, (t + 1) * SLICE)));
        this.Z = Z;
        this.A = A;
        return A;
    }

    @Override
    public Matrix backward(Matrix dA, Pass pass) {
        if (!pass.inputGradient()) {
            return null;
        }
        float[] z = Z.data(), a = A.data(), da = dA.data();
        Matrix dZ = new Matrix(dA.rows(), dA.cols());
        float[] dz = dZ.data();
        pass.compute().forEach(slices(dz.length), t -> {
            int from = t * SLICE, to = Math.min(dz.length, from + SLICE);
            System.arraycopy(da, from, dz, from, to - from);
            f.scaleByDerivative(z, a, dz, from, to);
        });
        return dZ;
    }

    private static int slices(int values) {
        return (values + SLICE - 1) / SLICE;
    }
}
