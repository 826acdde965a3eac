package dev.sinapse.layers;

import dev.sinapse.api.Affine;
import dev.sinapse.api.Compute;
import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import java.util.List;

/**
 * Fully connected: Z = X·Wᵀ + b.   X: m × nIn, W: nOut × nIn, b: 1 × nOut, Z: m × nOut.
 * Backward: dW = dZᵀ·X, db = Σ_rows dZ, dX = dZ·W.
 * Rows are samples, hence X·Wᵀ rather than the tutorial's W·X. There is no 1/m here: the loss's gradient
 * already carries it. The three products go through {@link Compute}, so faster kernels plug in here unchanged.
 */
final class Dense implements Affine {
    private final String name;
    private final Param W;
    private final Param b;
    private Matrix X; // the last input, held (not copied) for dW

    Dense(String name, Matrix W, Matrix b) {
        this.name = name;
        this.W = new Param(name + ".W", W, true);
        this.b = new Param(name + ".b", b, false);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int inputSize() {
        return W.value().cols();
    }

    @Override
    public int outputSize() {
        return W.value().rows();
    }

    /** X·Wᵀ: nIn multiply-adds (two FLOPs each) per output, then the bias: 2·nIn·nOut + nOut. */
    @Override
    public long forwardFlopsPerSample() {
        return 2L * inputSize() * outputSize() + outputSize();
    }

    @Override
    public List<Param> params() {
        return List.of(W, b);
    }

    @Override
    public Param weights() {
        return W;
    }

    @Override
    public Param bias() {
        return b;
    }

    @Override
    public Matrix forward(Matrix X, Pass pass) {
        Inputs.requireWidth(this, "dense", X);
        Matrix Z = pass.compute().timesTransB(X, W.value());
        Z.addRowVectorInPlace(b.value());
        this.X = X;
        return Z;
    }

    @Override
    public Matrix backward(Matrix dZ, Pass pass) {
        pass.compute().transATimesInto(dZ, X, W.grad());
        dZ.columnSumsInto(b.grad());
        return pass.inputGradient() ? pass.compute().times(dZ, W.value()) : null;
    }

    /** Options: units (required), init (W, default he), bias_init (b, default zeros); W is drawn before b. */
    static final class Factory implements LayerFactory {
        @Override
        public Layer create(LayerContext ctx) {
            Options options = ctx.options();
            int units = options.requireInt("units");
            int nIn = ctx.inputSize();
            if (units <= 0) {
                throw options.error("units", "must be a positive integer, got " + units);
            }
            if ((long) units * nIn > Integer.MAX_VALUE - 8) {
                throw options.error("units", "is too large: " + units + " x " + nIn + " weights do not fit in one tensor");
            }
            Matrix W = new Matrix(units, nIn);
            ctx.initializer("init", "he").fill(W, nIn, units, ctx.rng());
            Matrix b = new Matrix(1, units);
            ctx.initializer("bias_init", "zeros").fill(b, nIn, units, ctx.rng());
            return new Dense(ctx.name(), W, b);
        }

        @Override
        public String help() {
            return "fully connected, Z = X·Wᵀ + b; options: units (required, positive), init (default he), bias_init (default zeros),"
                    + " activation (an activation key such as relu, added as a layer '<name>.<key>' after this one)";
        }
    }
}
