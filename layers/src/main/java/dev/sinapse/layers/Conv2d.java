package dev.sinapse.layers;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import java.util.Arrays;
import java.util.List;

/**
 * 2-D convolution (cross-correlation, as every framework computes it), per sample and filter f:
 * Z[f, oy, ox] = b[f] + Σ_{c,ky,kx} W[f, (c,ky,kx)] · X[c, oy·s + ky − p, ox·s + kx − p], X being 0 outside the image.
 * Rows: X: m × (C·H·W), Z: m × (F·OH·OW), both channel by channel; W: F × (C·K·K), b: 1 × F.
 * With P = im2col(X) (C·K·K × OH·OW, column j the window under output j) one sample is Z = W·P + b, and backward
 * dW = Σ_samples dZ·Pᵀ, db = Σ_samples Σ_positions dZ, dX = col2im(Wᵀ·dZ). No 1/m: the loss's gradient carries it.
 *
 * <p>Why a direct kernel rather than the three {@link Compute} products on a whole batch's im2col: with F = 6 or 16
 * filters those products are narrow (dot products, or one task per call), and P of a whole batch is K² times the
 * input. Here each task takes a few samples and holds one sample's P, the products are written as rows scaled and
 * added (axpy over the OH·OW positions, which C2 vectorises), and the tasks run through {@link Compute#forEach}.
 * Chunks of samples depend only on the batch size and partial dW and db are added in chunk order, so any number
 * of threads gives bitwise the same result.
 */
final class Conv2d implements Layer {
    /** At most this many partial dW, db in one backward; chunks hold at least {@value #MIN_CHUNK} samples. */
    private static final int MAX_CHUNKS = 64;
    private static final int MIN_CHUNK = 4;

    private final String name;
    private final Windows g;
    private final int filters;
    private final Param W;
    private final Param b;
    private Matrix X; // the last input, held (not copied): backward rebuilds P from it

    Conv2d(String name, Windows g, Matrix W, Matrix b) {
        this.name = name;
        this.g = g;
        this.filters = W.rows();
        this.W = new Param(name + ".W", W, true);
        this.b = new Param(name + ".b", b, false);
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
        return filters * g.outPlane();
    }

    @Override
    public int[] outputShape() {
        return new int[] {filters, g.outHeight(), g.outWidth()};
    }

    @Override
    public long forwardFlopsPerSample() {
        return 2L * outputSize() * W.value().cols() + outputSize();
    }

    @Override
    public List<Param> params() {
        return List.of(W, b);
    }

    @Override
    public Matrix forward(Matrix X, Pass pass) {
        Inputs.requireWidth(this, "conv2d", X);
        int m = X.rows(), kk = W.value().cols(), n = g.outPlane(), out = outputSize();
        Matrix Z = new Matrix(m, out);
        float[] x = X.data(), z = Z.data(), w = W.value().data(), bias = b.value().data();
        int chunk = chunk(m);
        pass.compute().forEach((m + chunk - 1) / chunk, t -> {
            float[][] P = new float[kk][n];
            float[] row = new float[n];
            for (int s = t * chunk, end = Math.min(m, s + chunk); s < end; s++) {
                im2col(x, s * g.inSize(), P);
                for (int f = 0; f < filters; f++) {
                    Arrays.fill(row, bias[f]);
                    combineRows(w, f * kk, 1, kk, P, row);  // row = b[f] + Σ_p W[f,p]·P[p]
                    System.arraycopy(row, 0, z, s * out + f * n, n);
                }
            }
        });
        this.X = X;
        return Z;
    }

    @Override
    public Matrix backward(Matrix dZ, Pass pass) {
        int m = X.rows(), kk = W.value().cols(), n = g.outPlane(), out = outputSize();
        float[] x = X.data(), dz = dZ.data(), w = W.value().data();
        boolean needX = pass.inputGradient();
        Matrix dX = needX ? new Matrix(m, g.inSize()) : null;
        float[] dx = needX ? dX.data() : null;
        int chunk = chunk(m), chunks = (m + chunk - 1) / chunk;
        float[][] dWpart = new float[chunks][filters * kk];
        float[][] dbPart = new float[chunks][filters];
        pass.compute().forEach(chunks, t -> {
            float[][] P = new float[kk][n];
            float[][] D = new float[filters][n];   // dZ of one sample, a row per filter
            float[] dP = new float[n];
            float[] dWt = dWpart[t], dbt = dbPart[t];
            for (int s = t * chunk, end = Math.min(m, s + chunk); s < end; s++) {
                im2col(x, s * g.inSize(), P);
                for (int f = 0; f < filters; f++) {
                    System.arraycopy(dz, s * out + f * n, D[f], 0, n);
                    dbt[f] += sum(D[f]);
                    for (int p = 0; p < kk; p++) {
                        dWt[f * kk + p] += dot(D[f], P[p]);                 // dW[f,p] += Σ_j dZ[f,j]·P[p,j]
                    }
                }
                if (needX) {
                    for (int p = 0; p < kk; p++) {
                        Arrays.fill(dP, 0f);
                        combineRows(w, p, kk, filters, D, dP);              // dP[p] = Σ_f W[f,p]·dZ[f]
                        col2imRow(dP, p, dx, s * g.inSize());
                    }
                }
            }
        });
        float[] dW = W.grad().data(), db = b.grad().data();
        System.arraycopy(dWpart[0], 0, dW, 0, dW.length);
        System.arraycopy(dbPart[0], 0, db, 0, db.length);
        for (int t = 1; t < chunks; t++) {
            float[] pw = dWpart[t], pb = dbPart[t];
            for (int i = 0; i < dW.length; i++) {
                dW[i] += pw[i];
            }
            for (int f = 0; f < filters; f++) {
                db[f] += pb[f];
            }
        }
        return dX;
    }

    /** Samples per task: a function of the batch size only, so the partial sums do not depend on the threads. */
    private static int chunk(int m) {
        return Math.max(MIN_CHUNK, (m + MAX_CHUNKS - 1) / MAX_CHUNKS);
    }

    /** P[(c,ky,kx)][oy·OW + ox] = X[c, oy·s + ky − p, ox·s + kx − p] of the sample at x[xo..], 0 outside. Modified: P. */
    private void im2col(float[] x, int xo, float[][] P) {
        int K = g.size(), s = g.stride(), pad = g.pad(), H = g.height(), Wd = g.width();
        int OH = g.outHeight(), OW = g.outWidth();
        int p = 0;
        for (int c = 0; c < g.channels(); c++) {
            int plane = xo + c * H * Wd;
            for (int ky = 0; ky < K; ky++) {
                int oy0 = Windows.first(ky, s, pad, H, OH), oy1 = Windows.end(ky, s, pad, H, OH);
                for (int kx = 0; kx < K; kx++, p++) {
                    float[] r = P[p];
                    int ox0 = Windows.first(kx, s, pad, Wd, OW), ox1 = Windows.end(kx, s, pad, Wd, OW);
                    Arrays.fill(r, 0, oy0 * OW, 0f);
                    for (int oy = oy0; oy < oy1; oy++) {
                        int o = oy * OW, src = plane + (oy * s + ky - pad) * Wd + kx - pad;
                        Arrays.fill(r, o, o + ox0, 0f);
                        if (s == 1) {
                            System.arraycopy(x, src + ox0, r, o + ox0, ox1 - ox0);
                        } else {
                            for (int ox = ox0; ox < ox1; ox++) {
                                r[o + ox] = x[src + ox * s];
                            }
                        }
                        Arrays.fill(r, o + ox1, o + OW, 0f);
                    }
                    Arrays.fill(r, oy1 * OW, OH * OW, 0f);
                }
            }
        }
    }

    /** The transpose of one row of im2col: dX[c, oy·s + ky − p, ox·s + kx − p] += dP[oy·OW + ox]. Modified: dx. */
    private void col2imRow(float[] dP, int p, float[] dx, int xo) {
        int K = g.size(), s = g.stride(), pad = g.pad(), H = g.height(), Wd = g.width();
        int OH = g.outHeight(), OW = g.outWidth();
        int c = p / (K * K), ky = p / K % K, kx = p % K;
        int oy0 = Windows.first(ky, s, pad, H, OH), oy1 = Windows.end(ky, s, pad, H, OH);
        int ox0 = Windows.first(kx, s, pad, Wd, OW), ox1 = Windows.end(kx, s, pad, Wd, OW);
        int plane = xo + c * H * Wd;
        for (int oy = oy0; oy < oy1; oy++) {
            int o = oy * OW, dst = plane + (oy * s + ky - pad) * Wd + kx - pad;
            for (int ox = ox0; ox < ox1; ox++) {
                dx[dst + ox * s] += dP[o + ox];
            }
        }
    }

    /**
     * out += Σ_q a[ao + q·stride]·R[q] for q in [0, count), four rows per pass so each load and store of {@code out}
     * carries four multiply-adds, every array indexed by the same j from 0 so that C2 vectorises it. Modified: out.
     */
    static void combineRows(float[] a, int ao, int stride, int count, float[][] R, float[] out) {
        int n = out.length;
        int q = 0;
        for (; q + 4 <= count; q += 4) {
            float a0 = a[ao + q * stride], a1 = a[ao + (q + 1) * stride];
            float a2 = a[ao + (q + 2) * stride], a3 = a[ao + (q + 3) * stride];
            float[] r0 = R[q], r1 = R[q + 1], r2 = R[q + 2], r3 = R[q + 3];
            for (int j = 0; j < n; j++) {
                out[j] = Math.fma(a0, r0[j], Math.fma(a1, r1[j], Math.fma(a2, r2[j], Math.fma(a3, r3[j], out[j]))));
            }
        }
        for (; q < count; q++) {
            float a0 = a[ao + q * stride];
            float[] r0 = R[q];
            for (int j = 0; j < n; j++) {
                out[j] = Math.fma(a0, r0[j], out[j]);
            }
        }
    }

    /** Σ_j u[j]·v[j], four independent chains added pairwise at the end. */
    private static float dot(float[] u, float[] v) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int n = u.length, j = 0;
        for (; j + 4 <= n; j += 4) {
            s0 = Math.fma(u[j], v[j], s0);
            s1 = Math.fma(u[j + 1], v[j + 1], s1);
            s2 = Math.fma(u[j + 2], v[j + 2], s2);
            s3 = Math.fma(u[j + 3], v[j + 3], s3);
        }
        for (; j < n; j++) {
            s0 = Math.fma(u[j], v[j], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static float sum(float[] u) {
        float s = 0f;
        for (float v : u) {
            s += v;
        }
        return s;
    }

    /**
     * Options: filters and kernel_size (required), stride (default 1), padding ("valid" = 0, the default; "same" =
     * (kernel_size − 1)/2, for an odd kernel; or a number of zeros on each side), init (W, default he with fan-in
     * C·K·K), bias_init (b, default zeros); W is drawn before b.
     */
    static final class Factory implements LayerFactory {
        private static final int MAX_SIDE = 1 << 12;

        @Override
        public Layer create(LayerContext ctx) {
            Options options = ctx.options();
            int[] image = Windows.image(ctx);
            int filters = options.requireInt("filters");
            if (filters <= 0 || filters > MAX_SIDE) {
                throw options.error("filters", "must be a positive integer up to " + MAX_SIDE + ", got " + filters);
            }
            int k = options.requireInt("kernel_size");
            if (k <= 0 || k > MAX_SIDE) {
                throw options.error("kernel_size", "must be a positive integer up to " + MAX_SIDE + ", got " + k);
            }
            int stride = Windows.positive(options, "stride", 1, MAX_SIDE);
            int pad = padding(options, k);
            Windows g = Windows.of(ctx, image, k, stride, pad, "kernel_size");
            long weights = (long) filters * image[0] * k * k, outputs = (long) filters * g.outPlane();
            if (weights > Integer.MAX_VALUE - 8 || outputs > Integer.MAX_VALUE - 8) {
                throw options.error("filters", "is too large: " + filters + " filters on " + image[0] + " channels do not fit");
            }
            int fanIn = image[0] * k * k;
            Matrix W = new Matrix(filters, fanIn);
            ctx.initializer("init", "he").fill(W, fanIn, filters * k * k, ctx.rng());
            Matrix b = new Matrix(1, filters);
            ctx.initializer("bias_init", "zeros").fill(b, fanIn, filters * k * k, ctx.rng());
            return new Conv2d(ctx.name(), g, W, b);
        }

        private static int padding(Options options, int k) {
            String v = options.getString("padding", "valid");
            if (v.equals("valid")) {
                return 0;
            }
            if (v.equals("same")) {
                if (k % 2 == 0) {
                    throw options.error("padding", "'same' needs an odd kernel_size (the zeros go evenly on both sides), got " + k);
                }
                return (k - 1) / 2;
            }
            try {
                int pad = Integer.parseInt(v);
                if (pad >= 0 && pad < k) {
                    return pad;
                }
            } catch (NumberFormatException notANumber) {
                // the message below says what is accepted
            }
            throw options.error("padding", "must be 'valid', 'same' or a number of zeros from 0 to kernel_size − 1 = "
                    + (k - 1) + ", got '" + v + "'");
        }

        @Override
        public String help() {
            return "2-D convolution on channels x height x width inputs; options: filters and kernel_size (required),"
                    + " stride (default 1), padding (valid, same or a number; default valid), init (default he), bias_init"
                    + " (default zeros)";
        }
    }
}
