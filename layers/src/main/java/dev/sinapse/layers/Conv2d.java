package dev.sinapse.layers;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Convolution;
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
final class Conv2d implements Convolution {
    /** At most this many partial dW, db in one backward; chunks hold at least {@value #MIN_CHUNK} samples. */
    private static final int MAX_CHUNKS = 64;
    private static final int MIN_CHUNK = 4;
    /**
     * From this many values per window (C·K·K) dW is summed as rows of Pᵀ scaled and added, which C2 vectorises;
     * below, those rows are too short for SIMD loops (25 for a 5 × 5 kernel on one channel) and dW is taken as dot
     * products over the positions, eight at a time sharing their loads. Measured on LeNet's two layers (25 and 150).
     */
    private static final int WIDE_WINDOW = 64;

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
    public Param weights() {
        return W;
    }

    @Override
    public int[] filterShape() {
        return new int[] {g.channels(), g.size(), g.size()};
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
        float[] x = X.data(), dz = dZ.data();
        boolean needX = pass.inputGradient();
        Matrix dX = needX ? new Matrix(m, g.inSize()) : null;
        float[] dx = needX ? dX.data() : null;
        float[][] Wrows = new float[filters][];
        for (int f = 0; f < filters; f++) {
            Wrows[f] = Arrays.copyOfRange(W.value().data(), f * kk, (f + 1) * kk);
        }
        int chunk = chunk(m), chunks = (m + chunk - 1) / chunk;
        float[][][] dWpart = new float[chunks][filters][kk];
        float[][] dbPart = new float[chunks][filters];
        boolean narrow = kk < WIDE_WINDOW;
        pass.compute().forEach(chunks, t -> {
            float[][] Q = narrow && !needX ? null : new float[n][kk];   // Pᵀ: a row per output position, its window
            float[][] P = narrow ? new float[kk][n] : null;
            float[] dQ = new float[kk];
            float[][] dWt = dWpart[t];
            float[] dbt = dbPart[t];
            for (int s = t * chunk, end = Math.min(m, s + chunk); s < end; s++) {
                int o = s * out;
                if (Q != null) {
                    im2rows(x, s * g.inSize(), Q);
                }
                for (int f = 0; f < filters; f++) {
                    float sum = 0f;
                    for (int j = o + f * n; j < o + (f + 1) * n; j++) {
                        sum += dz[j];
                    }
                    dbt[f] += sum;
                }
                if (narrow) {
                    im2col(x, s * g.inSize(), P);
                    addProductsTransB(dz, o, n, P, dWt);                        // dW[f,p] += Σ_j dZ[f,j]·P[p,j]
                } else {
                    for (int f = 0; f < filters; f++) {
                        combineRows(dz, o + f * n, 1, n, Q, dWt[f]);            // dW[f] += Σ_j dZ[f,j]·Pᵀ[j]
                    }
                }
                if (needX) {
                    for (int j = 0; j < n; j++) {
                        Arrays.fill(dQ, 0f);
                        combineRows(dz, o + j, n, filters, Wrows, dQ);          // dPᵀ[j] = Σ_f dZ[f,j]·W[f]
                        rows2im(dQ, j, dx, s * g.inSize());
                    }
                }
            }
        });
        float[] dW = W.grad().data(), db = b.grad().data();
        Arrays.fill(dW, 0f);
        Arrays.fill(db, 0f);
        for (int t = 0; t < chunks; t++) {   // in chunk order, whatever thread computed each
            for (int f = 0; f < filters; f++) {
                float[] pw = dWpart[t][f];
                for (int p = 0; p < kk; p++) {
                    dW[f * kk + p] += pw[p];
                }
                db[f] += dbPart[t][f];
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
                        for (int ox = 0; ox < ox0; ox++) {   // the padding: a few values, too few for a call to pay
                            r[o + ox] = 0f;
                        }
                        if (s == 1) {
                            System.arraycopy(x, src + ox0, r, o + ox0, ox1 - ox0);
                        } else {
                            for (int ox = ox0; ox < ox1; ox++) {
                                r[o + ox] = x[src + ox * s];
                            }
                        }
                        for (int ox = ox1; ox < OW; ox++) {
                            r[o + ox] = 0f;
                        }
                    }
                    Arrays.fill(r, oy1 * OW, OH * OW, 0f);
                }
            }
        }
    }

    /** Pᵀ of the sample at x[xo..]: Q[oy·OW + ox][(c,ky,kx)] = X[c, oy·s + ky − p, ox·s + kx − p], 0 outside. Modified: Q. */
    private void im2rows(float[] x, int xo, float[][] Q) {
        int K = g.size(), s = g.stride(), pad = g.pad(), H = g.height(), Wd = g.width(), OW = g.outWidth();
        for (int j = 0; j < Q.length; j++) {
            float[] q = Q[j];
            int y0 = j / OW * s - pad, x0 = j % OW * s - pad;
            int p = 0;
            for (int c = 0; c < g.channels(); c++) {
                int plane = xo + c * H * Wd;
                for (int ky = 0; ky < K; ky++) {
                    int iy = y0 + ky;
                    if (iy < 0 || iy >= H) {
                        for (int kx = 0; kx < K; kx++, p++) {
                            q[p] = 0f;
                        }
                        continue;
                    }
                    // K values at a time: too few for System.arraycopy's call to pay
                    int at = plane + iy * Wd + x0;
                    for (int kx = 0; kx < K; kx++, p++) {
                        int ix = x0 + kx;
                        q[p] = ix >= 0 && ix < Wd ? x[at + kx] : 0f;
                    }
                }
            }
        }
    }

    /** The transpose of {@link #im2rows} for output position j: dX[c, oy·s + ky − p, ox·s + kx − p] += dQ[(c,ky,kx)]. Modified: dx. */
    private void rows2im(float[] dQ, int j, float[] dx, int xo) {
        int K = g.size(), s = g.stride(), pad = g.pad(), H = g.height(), Wd = g.width(), OW = g.outWidth();
        int y0 = j / OW * s - pad, x0 = j % OW * s - pad;
        int kx0 = Math.max(0, -x0), kx1 = Math.max(kx0, Math.min(K, Wd - x0));
        int p = 0;
        for (int c = 0; c < g.channels(); c++) {
            int plane = xo + c * H * Wd;
            for (int ky = 0; ky < K; ky++, p += K) {
                int iy = y0 + ky;
                if (iy < 0 || iy >= H) {
                    continue;
                }
                int at = plane + iy * Wd + x0;
                for (int kx = kx0; kx < kx1; kx++) {
                    dx[at + kx] += dQ[p + kx];
                }
            }
        }
    }

    /**
     * dW[f][p] += Σ_j dz[o + f·n + j]·P[p][j]: two filters by four rows of P per pass over the n positions, eight
     * independent scalar chains that share their loads. Modified: dW.
     */
    private static void addProductsTransB(float[] dz, int o, int n, float[][] P, float[][] dW) {
        int F = dW.length, kk = P.length;
        int f = 0;
        for (; f + 2 <= F; f += 2) {
            int d0 = o + f * n, d1 = d0 + n;
            int p = 0;
            for (; p + 4 <= kk; p += 4) {
                float[] r0 = P[p], r1 = P[p + 1], r2 = P[p + 2], r3 = P[p + 3];
                float s00 = 0f, s01 = 0f, s02 = 0f, s03 = 0f, s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f;
                for (int j = 0; j < n; j++) {
                    float u = dz[d0 + j], v = dz[d1 + j];
                    float x0 = r0[j], x1 = r1[j], x2 = r2[j], x3 = r3[j];
                    s00 = Math.fma(u, x0, s00);
                    s01 = Math.fma(u, x1, s01);
                    s02 = Math.fma(u, x2, s02);
                    s03 = Math.fma(u, x3, s03);
                    s10 = Math.fma(v, x0, s10);
                    s11 = Math.fma(v, x1, s11);
                    s12 = Math.fma(v, x2, s12);
                    s13 = Math.fma(v, x3, s13);
                }
                dW[f][p] += s00;
                dW[f][p + 1] += s01;
                dW[f][p + 2] += s02;
                dW[f][p + 3] += s03;
                dW[f + 1][p] += s10;
                dW[f + 1][p + 1] += s11;
                dW[f + 1][p + 2] += s12;
                dW[f + 1][p + 3] += s13;
            }
            for (; p < kk; p++) {
                dW[f][p] += dot(dz, d0, P[p], n);
                dW[f + 1][p] += dot(dz, d1, P[p], n);
            }
        }
        for (; f < F; f++) {
            for (int p = 0; p < kk; p++) {
                dW[f][p] += dot(dz, o + f * n, P[p], n);
            }
        }
    }

    private static float dot(float[] u, int uo, float[] v, int n) {
        float s = 0f;
        for (int j = 0; j < n; j++) {
            s = Math.fma(u[uo + j], v[j], s);
        }
        return s;
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
