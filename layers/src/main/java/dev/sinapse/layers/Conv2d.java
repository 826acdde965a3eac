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
     * products over the positions whose dZ is not 0, four rows of P at a time sharing their loads. Measured on
     * LeNet's two layers (25 and 150).
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
            int[] visit = new int[kk];
            for (int s = t * chunk, end = Math.min(m, s + chunk); s < end; s++) {
                im2col(x, s * g.inSize(), P);
                for (int f = 0; f < filters; f++) {
                    Arrays.fill(row, bias[f]);
                    combineRows(w, f * kk, 1, kk, P, row, visit);  // row = b[f] + Σ_p W[f,p]·P[p]
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
        float[] w = W.value().data();
        int chunk = chunk(m), chunks = (m + chunk - 1) / chunk;
        float[][][] dWpart = new float[chunks][filters][kk];
        float[][] dbPart = new float[chunks][filters];
        boolean narrow = kk < WIDE_WINDOW;
        pass.compute().forEach(chunks, t -> {
            float[][] Q = narrow ? null : new float[n][kk];   // Pᵀ: a row per output position, its window
            float[][] P = narrow || needX ? new float[kk][n] : null;   // im2col for dW, or dP = Wᵀ·dZ for dX
            float[][] D = needX ? new float[filters][n] : null;         // one sample's dZ, a row per filter
            int[] visit = new int[Math.max(n, filters)];
            float[][] dWt = dWpart[t];
            float[] dbt = dbPart[t];
            for (int s = t * chunk, end = Math.min(m, s + chunk); s < end; s++) {
                int o = s * out;
                for (int f = 0; f < filters; f++) {
                    float sum = 0f;
                    for (int j = o + f * n; j < o + (f + 1) * n; j++) {
                        sum += dz[j];
                    }
                    dbt[f] += sum;
                }
                if (narrow) {
                    im2col(x, s * g.inSize(), P);
                    addProductsTransB(dz, o, n, P, dWt, visit);                        // dW[f,p] += Σ_j dZ[f,j]·P[p,j]
                } else {
                    im2rows(x, s * g.inSize(), Q);
                    for (int f = 0; f < filters; f++) {
                        combineRows(dz, o + f * n, 1, n, Q, dWt[f], visit);            // dW[f] += Σ_j dZ[f,j]·Pᵀ[j]
                    }
                }
                if (needX) {
                    for (int f = 0; f < filters; f++) {
                        System.arraycopy(dz, o + f * n, D[f], 0, n);
                    }
                    for (int p = 0; p < kk; p++) {
                        Arrays.fill(P[p], 0f);
                        combineRows(w, p, kk, filters, D, P[p], visit);                // dP[p] = Σ_f W[f,p]·dZ[f]
                    }
                    col2im(P, dx, s * g.inSize());                             // dX = col2im(dP)
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
            if (y0 >= 0 && x0 >= 0 && y0 + K <= H && x0 + K <= Wd) {   // inside the image: no test per value
                for (int c = 0; c < g.channels(); c++) {
                    for (int ky = 0, at = xo + c * H * Wd + y0 * Wd + x0; ky < K; ky++, at += Wd) {
                        for (int kx = 0; kx < K; kx++, p++) {
                            q[p] = x[at + kx];
                        }
                    }
                }
                continue;
            }
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

    /** The transpose of {@link #im2col}: dX[c, oy·s + ky − p, ox·s + kx − p] += dP[(c,ky,kx)][oy·OW + ox] of the sample at dx[xo..]. Modified: dx. */
    private void col2im(float[][] dP, float[] dx, int xo) {
        int K = g.size(), s = g.stride(), pad = g.pad(), H = g.height(), Wd = g.width();
        int OH = g.outHeight(), OW = g.outWidth();
        int p = 0;
        for (int c = 0; c < g.channels(); c++) {
            int plane = xo + c * H * Wd;
            for (int ky = 0; ky < K; ky++) {
                int oy0 = Windows.first(ky, s, pad, H, OH), oy1 = Windows.end(ky, s, pad, H, OH);
                for (int kx = 0; kx < K; kx++, p++) {
                    float[] r = dP[p];
                    int ox0 = Windows.first(kx, s, pad, Wd, OW), ox1 = Windows.end(kx, s, pad, Wd, OW);
                    for (int oy = oy0; oy < oy1; oy++) {
                        int o = oy * OW, dst = plane + (oy * s + ky - pad) * Wd + kx - pad;
                        if (s == 1) {
                            for (int ox = ox0; ox < ox1; ox++) {
                                dx[dst + ox] += r[o + ox];
                            }
                        } else {
                            for (int ox = ox0; ox < ox1; ox++) {
                                dx[dst + ox * s] += r[o + ox];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * dW[f][p] += Σ_j dz[o + f·n + j]·P[p][j] over the j whose dz is not 0 (after a max-pool most are: it sends each
     * window's gradient to one of its values), four rows of P per pass sharing the loads of dz. Modified: dW.
     */
    private static void addProductsTransB(float[] dz, int o, int n, float[][] P, float[][] dW, int[] visit) {
        int kk = P.length;
        for (int f = 0; f < dW.length; f++) {
            int d = o + f * n, T = nonZero(dz, d, 1, n, visit);
            float[] w = dW[f];
            int p = 0;
            for (; p + 4 <= kk; p += 4) {
                float[] r0 = P[p], r1 = P[p + 1], r2 = P[p + 2], r3 = P[p + 3];
                float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
                for (int t = 0; t < T; t++) {
                    int j = visit[t];
                    float u = dz[d + j];
                    s0 = Math.fma(u, r0[j], s0);
                    s1 = Math.fma(u, r1[j], s1);
                    s2 = Math.fma(u, r2[j], s2);
                    s3 = Math.fma(u, r3[j], s3);
                }
                w[p] += s0;
                w[p + 1] += s1;
                w[p + 2] += s2;
                w[p + 3] += s3;
            }
            for (; p < kk; p++) {
                float[] r = P[p];
                float s0 = 0f;
                for (int t = 0; t < T; t++) {
                    s0 = Math.fma(dz[d + visit[t]], r[visit[t]], s0);
                }
                w[p] += s0;
            }
        }
    }

    /** Writes to visit the q in [0, count) whose a[ao + q·stride] is not 0, ascending; returns how many. Modified: visit. */
    static int nonZero(float[] a, int ao, int stride, int count, int[] visit) {
        int T = 0;
        for (int q = 0; q < count; q++) {
            visit[T] = q;
            T += a[ao + q * stride] != 0f ? 1 : 0;   // no branch: a gradient's zeros fall anywhere
        }
        return T;
    }

    /**
     * out += Σ_q a[ao + q·stride]·R[q] over the q whose coefficient is not 0 (found with {@code visit}, of at least
     * count entries), four rows per pass so each load and store of {@code out} carries four multiply-adds, every
     * array indexed by the same j from 0 so that C2 vectorises it. Modified: out, visit.
     */
    static void combineRows(float[] a, int ao, int stride, int count, float[][] R, float[] out, int[] visit) {
        int n = out.length, T = nonZero(a, ao, stride, count, visit);
        int t = 0;
        for (; t + 4 <= T; t += 4) {
            int q0 = visit[t], q1 = visit[t + 1], q2 = visit[t + 2], q3 = visit[t + 3];
            float a0 = a[ao + q0 * stride], a1 = a[ao + q1 * stride], a2 = a[ao + q2 * stride], a3 = a[ao + q3 * stride];
            float[] r0 = R[q0], r1 = R[q1], r2 = R[q2], r3 = R[q3];
            for (int j = 0; j < n; j++) {
                out[j] = Math.fma(a0, r0[j], Math.fma(a1, r1[j], Math.fma(a2, r2[j], Math.fma(a3, r3[j], out[j]))));
            }
        }
        for (; t < T; t++) {
            float a0 = a[ao + visit[t] * stride];
            float[] r0 = R[visit[t]];
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
