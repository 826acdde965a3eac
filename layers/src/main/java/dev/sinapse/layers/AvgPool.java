package dev.sinapse.layers;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Pass;

/**
 * Average pooling, per sample and channel c: A[c, oy, ox] = (1/k²) Σ_{ky,kx < k} X[c, oy·s + ky, ox·s + kx].
 * X: m × (C·H·W), A: m × (C·OH·OW), OH = ⌊(H − k)/s⌋ + 1. Backward: dX[c, oy·s + ky, ox·s + kx] += dA[c, oy, ox]/k².
 */
final class AvgPool implements Layer {
    private final String name;
    private final Windows g;
    private int rows;

    AvgPool(String name, Windows g) {
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
        return (long) outputSize() * (g.size() * g.size() + 1);
    }

    @Override
    public Matrix forward(Matrix X, Pass pass) {
        Inputs.requireWidth(this, "avg_pool", X);
        int m = X.rows(), in = inputSize(), out = outputSize(), k = g.size(), s = g.stride();
        int H = g.height(), Wd = g.width(), OH = g.outHeight(), OW = g.outWidth();
        float scale = 1f / (k * k);
        Matrix A = new Matrix(m, out);
        float[] x = X.data(), a = A.data();
        pass.compute().forEach((m + MaxPool.SAMPLES_PER_TASK - 1) / MaxPool.SAMPLES_PER_TASK, t -> {
            for (int i = t * MaxPool.SAMPLES_PER_TASK, end = Math.min(m, i + MaxPool.SAMPLES_PER_TASK); i < end; i++) {
                int o = i * out;
                for (int c = 0; c < g.channels(); c++) {
                    for (int oy = 0; oy < OH; oy++) {
                        for (int ox = 0; ox < OW; ox++, o++) {
                            int first = i * in + c * H * Wd + oy * s * Wd + ox * s;
                            float sum = 0f;
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    sum += x[first + ky * Wd + kx];
                                }
                            }
                            a[o] = sum * scale;
                        }
                    }
                }
            }
        });
        this.rows = m;
        return A;
    }

    @Override
    public Matrix backward(Matrix dA, Pass pass) {
        if (!pass.inputGradient()) {
            return null;
        }
        int m = rows, in = inputSize(), out = outputSize(), k = g.size(), s = g.stride();
        int H = g.height(), Wd = g.width(), OH = g.outHeight(), OW = g.outWidth();
        float scale = 1f / (k * k);
        Matrix dX = new Matrix(m, in);
        float[] da = dA.data(), dx = dX.data();
        pass.compute().forEach((m + MaxPool.SAMPLES_PER_TASK - 1) / MaxPool.SAMPLES_PER_TASK, t -> {
            for (int i = t * MaxPool.SAMPLES_PER_TASK, end = Math.min(m, i + MaxPool.SAMPLES_PER_TASK); i < end; i++) {
                int o = i * out;
                for (int c = 0; c < g.channels(); c++) {
                    for (int oy = 0; oy < OH; oy++) {
                        for (int ox = 0; ox < OW; ox++, o++) {
                            int first = i * in + c * H * Wd + oy * s * Wd + ox * s;
                            float d = da[o] * scale;
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    dx[first + ky * Wd + kx] += d;
                                }
                            }
                        }
                    }
                }
            }
        });
        return dX;
    }

    /** Options: size (side of the window, default 2), stride (default size). */
    static final class Factory implements LayerFactory {
        @Override
        public Layer create(LayerContext ctx) {
            return new AvgPool(ctx.name(), MaxPool.Factory.windows(ctx));
        }

        @Override
        public String help() {
            return "mean over k x k windows of each channel; options: size (default 2), stride (default size)";
        }
    }
}
