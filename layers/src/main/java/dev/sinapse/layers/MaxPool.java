package dev.sinapse.layers;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Pass;

/**
 * Max pooling, per sample and channel c: A[c, oy, ox] = max_{ky,kx < k} X[c, oy·s + ky, ox·s + kx].
 * X: m × (C·H·W), A: m × (C·OH·OW), OH = ⌊(H − k)/s⌋ + 1. Backward: dX[argmax] += dA, 0 elsewhere.
 * The argmax is the first maximum in reading order (row by row, then column), so ties always send the gradient to
 * the same element, whatever the threads; forward keeps it, as an index into X's row, for backward.
 */
final class MaxPool implements Layer {
    static final int SAMPLES_PER_TASK = 16;
    private final String name;
    private final Windows g;
    private int[] argmax; // per output element of the last training forward: the index in its sample's row of X
    private int rows;

    MaxPool(String name, Windows g) {
        this.name = name;
        this.g = g;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int inputSize() {
        return g.inSize();
    }

    @Override
    public int outputSize() {
        return g.channels() * g.outPlane();
    }

    @Override
    public int[] outputShape() {
        return new int[] {g.channels(), g.outHeight(), g.outWidth()};
    }

    @Override
    public long forwardFlopsPerSample() {
        return (long) outputSize() * g.size() * g.size(); // one comparison per window element
    }

    @Override
    public Matrix forward(Matrix X, Pass pass) {
        Inputs.requireWidth(this, "max_pool", X);
        int m = X.rows(), in = inputSize(), out = outputSize(), k = g.size(), s = g.stride();
        int H = g.height(), Wd = g.width(), OH = g.outHeight(), OW = g.outWidth();
        Matrix A = new Matrix(m, out);
        int[] arg = new int[m * out];
        float[] x = X.data(), a = A.data();
        pass.compute().forEach((m + SAMPLES_PER_TASK - 1) / SAMPLES_PER_TASK, t -> {
            for (int i = t * SAMPLES_PER_TASK, end = Math.min(m, i + SAMPLES_PER_TASK); i < end; i++) {
                int xi = i * in, o = i * out;
                for (int c = 0; c < g.channels(); c++) {
                    for (int oy = 0; oy < OH; oy++) {
                        int top = xi + c * H * Wd + oy * s * Wd;   // the windows' first row, in x
                        if (k == 2) {   // LeNet's windows, unrolled: the same comparisons in the same order
                            for (int ox = 0; ox < OW; ox++, o++) {
                                int p = top + ox * s, q = p + Wd;
                                float max = x[p];
                                int best = p;
                                if (x[p + 1] > max) {
                                    max = x[p + 1];
                                    best = p + 1;
                                }
                                if (x[q] > max) {
                                    max = x[q];
                                    best = q;
                                }
                                if (x[q + 1] > max) {
                                    max = x[q + 1];
                                    best = q + 1;
                                }
                                a[o] = max;
                                arg[o] = best - xi;
                            }
                            continue;
                        }
                        for (int ox = 0; ox < OW; ox++, o++) {
                            int first = top + ox * s, best = first;
                            float max = x[first];
                            for (int ky = 0; ky < k; ky++) {
                                for (int at = first + ky * Wd, rowEnd = at + k; at < rowEnd; at++) {
                                    if (x[at] > max) {   // strictly greater: the first maximum stays
                                        max = x[at];
                                        best = at;
                                    }
                                }
                            }
                            a[o] = max;
                            arg[o] = best - xi;
                        }
                    }
                }
            }
        });
        this.argmax = arg;
        this.rows = m;
        return A;
    }

    @Override
    public Matrix backward(Matrix dA, Pass pass) {
        if (!pass.inputGradient()) {
            return null;
        }
        int m = rows, in = inputSize(), out = outputSize();
        Matrix dX = new Matrix(m, in);
        float[] da = dA.data(), dx = dX.data();
        int[] arg = argmax;
        pass.compute().forEach((m + SAMPLES_PER_TASK - 1) / SAMPLES_PER_TASK, t -> {
            for (int i = t * SAMPLES_PER_TASK, end = Math.min(m, i + SAMPLES_PER_TASK); i < end; i++) {
                for (int o = i * out; o < (i + 1) * out; o++) {
                    dx[i * in + arg[o]] += da[o];   // += : overlapping windows (stride < size) may pick the same element
                }
            }
        });
        return dX;
    }

    /** Options: size (side of the window, default 2), stride (default size). */
    static final class Factory implements LayerFactory {
        @Override
        public Layer create(LayerContext ctx) {
            return new MaxPool(ctx.name(), windows(ctx));
        }

        /** The pooling windows of a factory's options, as max and average pooling read them. */
        static Windows windows(LayerContext ctx) {
            Options options = ctx.options();
            int[] image = Windows.image(ctx);
            int size = Windows.positive(options, "size", 2, Math.max(image[1], image[2]));
            int stride = Windows.positive(options, "stride", size, Math.max(image[1], image[2]));
            return Windows.of(ctx, image, size, stride, 0, "size");
        }

        @Override
        public String help() {
            return "max over k x k windows of each channel (ties: the first in reading order); options: size (default 2),"
                    + " stride (default size)";
        }
    }
}
