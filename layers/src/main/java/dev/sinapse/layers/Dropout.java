package dev.sinapse.layers;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SameSize;

/**
 * Inverted dropout.   X, A, M: m × n.
 * Training: A = X ⊙ M with M[i,j] = 1/(1 − rate) with probability 1 − rate, else 0, drawn from the pass's
 * generator; backward dX = dA ⊙ M. Inference: A = X, dX = dA.
 * Scaling the kept units while training (rather than the outputs at inference, as the original paper does)
 * keeps E[A] = X, so inference is the identity and needs no knowledge of the rate.
 * The mask is drawn in slices on the pass's threads, each value with the draw of its index ({@link Rng#floatAt}):
 * the same mask, bit for bit, as drawing the values one after the other.
 */
final class Dropout implements SameSize {
    /** Values per task: a draw costs a few nanoseconds, so a batch of 64 × 64 is two tasks. */
    private static final int SLICE = 1 << 11;
    private final Id id;
    private final float rate;
    private Matrix M; // the last training mask; null after an inference forward

    Dropout(String name, int size, float rate) {
        this(new Id(name, size), rate);
    }

    Dropout(Id id, float rate) {
        this.id = id;
        this.rate = rate;
    }

    @Override
    public Id id() {
        return id;
    }

    /** None: a summary counts the inference forward, where dropout passes X through. */
    @Override
    public long forwardFlopsPerSample() {
        return 0;
    }

    @Override
    public Matrix forward(Matrix X, Pass pass) {
        Inputs.requireWidth(this, "dropout", X);
        if (!pass.training()) {
            M = null;
            return X;
        }
        float keep = 1f / (1f - rate);
        M = new Matrix(X.rows(), X.cols());
        Matrix A = new Matrix(X.rows(), X.cols());
        float[] x = X.data(), mask = M.data(), a = A.data();
        // the i-th value's draw is the generator's i-th, whichever slice and thread draws it
        Rng rng = pass.rng();
        long start = rng.state();
        rng.skip(mask.length);
        // dropped where the draw u·2⁻²⁴ < rate, that is where the integer u < ⌈rate·2²⁴⌉: the mask value is keep's bits
        // or +0's, chosen by a sign without a branch (a fifth of them mispredicted) and without a conversion to float,
        // which halved the mask's cost
        int below = dropBelow(rate);
        int keepBits = Float.floatToRawIntBits(keep);
        pass.compute().forEach((mask.length + SLICE - 1) / SLICE, t -> {
            for (int i = t * SLICE, end = Math.min(mask.length, i + SLICE); i < end; i++) {
                int kept = (below - 1 - Rng.bitsAt(start, i)) >> 31;   // all ones where u ≥ below
                mask[i] = Float.intBitsToFloat(keepBits & kept);
                a[i] = x[i] * mask[i];
            }
        });
        return A;
    }

    /** ⌈rate · 2²⁴⌉: the 24-bit draws u under it, and only those, have u · 2⁻²⁴ &lt; rate (the scaling is exact). */
    static int dropBelow(float rate) {
        return (int) Math.ceil(rate * 0x1.0p24);
    }

    @Override
    public Matrix backward(Matrix dA, Pass pass) {
        if (!pass.inputGradient()) {
            return null;
        }
        if (M == null) {
            return dA;
        }
        Matrix dX = new Matrix(dA.rows(), dA.cols());
        float[] da = dA.data(), mask = M.data(), dx = dX.data();
        pass.compute().forEach((dx.length + SLICE - 1) / SLICE, t -> {
            for (int i = t * SLICE, end = Math.min(dx.length, i + SLICE); i < end; i++) {
                dx[i] = da[i] * mask[i];
            }
        });
        return dX;
    }

    /** Option: rate in [0, 1), default 0.5. */
    static final class Factory implements LayerFactory {
        @Override
        public Layer create(LayerContext ctx) {
            Options options = ctx.options();
            double rate = options.getDouble("rate", 0.5);
            if (rate < 0 || rate >= 1) {
                throw options.error("rate", "must be in [0, 1), got " + rate);
            }
            return new Dropout(Id.of(ctx), (float) rate);
        }

        @Override
        public String help() {
            return "inverted dropout, identity at inference; options: rate (fraction dropped, in [0, 1), default 0.5)";
        }
    }
}
