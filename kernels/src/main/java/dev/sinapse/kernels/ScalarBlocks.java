package dev.sinapse.kernels;

import dev.sinapse.api.Activation;
import dev.sinapse.api.Dataset;
import java.util.Arrays;

/**
 * The "fused" kernel's blocks ({@link FusedMlpKernel} has the equations): up to {@value #BLOCK} rows in plain
 * loops, shaped for HotSpot C2 on JDK 17, which vectorises a loop only when all its arrays share the index (an
 * offset in one array and not the others stops it), cannot vectorise a byte to float conversion, and cannot
 * vectorise a float sum (a dot product runs one scalar chain). So:
 * <ul>
 * <li>the training rows are converted once per dataset to float arrays of {@value #K} columns
 *     ({@code (pixel & 0xFF) × scale}, the values the layers see; 3 KiB a row, 129 MB for 41,000 rows);
 * <li>a block is transposed into one array per feature (Xᵀ, {@value #K} × {@value #BLOCK}), so the forward is
 *     Z1[r] = b1[r] + Σ_j W1[r, j]·Xᵀ[j], eight features per pass: the weights are constants of the loop and
 *     every load of Z1[r] carries eight multiply-adds, vectorised across the rows of the block;
 * <li>the whole tail (activation, Z2, softmax, loss, dZ2, dW2, dZ1; {@link BlockTail}) works on arrays indexed by
 *     the row of the block, vectorised the same way (only exp and log are scalar calls);
 * <li>the backward dW1[r] += Σ_{8 rows} dZ1[i, r]·X[i] reads the rows as they are: one 8-deep fused
 *     multiply-add chain per element, so each load and store of dW1 carries eight multiply-adds;
 * <li>blocks of fewer than {@value #MIN_BLOCK} rows (mini-batches) skip the transpose: Z1, Z2 and the gradients
 *     go row by row, see {@code rowForward}, with the block's softmax in between.
 * </ul>
 * Measured on 2 AVX2 cores (JDK 17), per row and thread: transpose ≈ 0.55 µs, backward ≈ 0.2 µs, tail
 * ≈ 0.15 µs, forward ≈ 0.5 µs. The scalar transpose is the price of C2 not vectorising a dot product;
 * {@link VectorBlocks} keeps 8-lane accumulators in registers instead.
 */
final class ScalarBlocks implements FusedMlpKernel.Blocks {
    private static final int K = FusedMlpKernel.K;
    /** Rows transposed and carried through forward, loss and backward together. */
    static final int BLOCK = 128;
    /** Below this many rows (mini-batches) a block goes row by row: its transpose would not pay. */
    static final int MIN_BLOCK = 64;
    /** Partial sums of the row-by-row forward: K = 7·L. */
    static final int L = 112;

    private final MlpShape net;
    private final Activation f;
    private final int n;
    private final int h;
    private final int c;
    private final float[][] W1p;          // W1 padded to K columns, refreshed each step
    private final float[] W2t;            // W2ᵀ (h × c), refreshed each step
    private final float[] zeros = new float[K];
    // the training rows as floats, built once per (dataset, scale)
    private Dataset rowsOf;
    private float rowsScale;
    private float[][] rows;
    private int[] labels;

    ScalarBlocks(MlpShape net) {
        this.net = net;
        this.f = net.f();
        this.n = net.n();
        this.h = net.h();
        this.c = net.c();
        this.W1p = new float[h][K];
        this.W2t = new float[h * c];
    }

    @Override
    public int block() {
        return BLOCK;
    }

    @Override
    public int units() {
        return h;
    }

    /** None: a mini-batch of 32 is two chunks of 16 on two threads (see {@link FusedMlpKernel#chunks}). */
    @Override
    public int soloRows() {
        return 0;
    }

    @Override
    public String note() {
        return "";
    }

    @Override
    public void prepare(Dataset train, float scale, int inOrder) {
        floatRows(train, scale);
        float[] w1 = net.W1().value().data();
        for (int r = 0; r < h; r++) {
            System.arraycopy(w1, r * n, W1p[r], 0, n);
        }
        float[] w2 = net.W2().value().data();
        for (int k = 0; k < c; k++) {
            for (int r = 0; r < h; r++) {
                W2t[r * c + k] = w2[k * h + r];
            }
        }
    }

    /** Converts the dataset's pixels to padded float rows once (the same values {@link Dataset#batch} gives). */
    private void floatRows(Dataset train, float scale) {
        if (rowsOf == train && rowsScale == scale) {
            return;
        }
        int size = train.size();
        float[][] rs = new float[size][];
        int[] ys = new int[size];
        int[] natural = train.naturalOrder();
        for (int from = 0; from < size; from += 1024) {
            int to = Math.min(size, from + 1024);
            float[] x = train.batch(natural, from, to, scale).data();
            for (int i = from; i < to; i++) {
                rs[i] = new float[K];
                System.arraycopy(x, (i - from) * n, rs[i], 0, n);
                ys[i] = train.label(i);
            }
        }
        rows = rs;
        labels = ys;
        rowsOf = train;
        rowsScale = scale;
    }

    @Override
    public FusedMlpKernel.Block newBlock() {
        return new Buffers();
    }

    /** The buffers of one block of S ≤ {@value #BLOCK} rows; every array is indexed by the row in the block. */
    private final class Buffers implements FusedMlpKernel.Block {
        private final float[][] X = new float[BLOCK][];   // the rows themselves (not copied)
        private final int[] y = new int[BLOCK];
        private final float[][] Xt = new float[K][BLOCK]; // Xᵀ: one array per feature
        private final float[][] Z1 = new float[h][BLOCK];
        private final float[][] A1 = new float[h][BLOCK];
        private final float[][] dZ1 = new float[h][BLOCK];
        private final BlockTail tail = new BlockTail(h, c, BLOCK, f);
        // row by row
        private final float[] t = new float[L];
        private final float[] a1 = new float[h];
        private final float[] z2 = new float[c];

        @Override
        public void run(ChunkPartials out, int[] order, int from, int S, float invM) {
            for (int s = 0; s < S; s++) {
                int v = order[from + s];
                X[s] = rows[v];
                y[s] = labels[v];
            }
            for (int s = S; s < BLOCK; s++) {
                X[s] = zeros; // read as zero rows by the 8-row passes
            }
            if (S < MIN_BLOCK) {
                for (int s = 0; s < S; s++) {
                    rowForward(s);
                }
                tail.softmax(y, S, invM, out);
                for (int s = 0; s < S; s++) {
                    rowBackward(out, s);
                }
            } else {
                transpose(S);
                forward(S);
                tail.run(net.W2().value().data(), net.b2().value().data(), Z1, A1, dZ1, y, S, invM, out);
            }
            backward(out, S);
        }

        /**
         * Xᵀ[j][s] = X[s][j]. Rows are read in order, eight at a time, so the hardware prefetcher can stream
         * them; each feature's array gets eight consecutive writes.
         */
        private void transpose(int S) {
            for (int s = 0; s < S; s += 8) {
                float[] x0 = X[s], x1 = X[s + 1], x2 = X[s + 2], x3 = X[s + 3];
                float[] x4 = X[s + 4], x5 = X[s + 5], x6 = X[s + 6], x7 = X[s + 7];
                for (int j = 0; j < n; j++) {
                    float[] t = Xt[j];
                    t[s] = x0[j];
                    t[s + 1] = x1[j];
                    t[s + 2] = x2[j];
                    t[s + 3] = x3[j];
                    t[s + 4] = x4[j];
                    t[s + 5] = x5[j];
                    t[s + 6] = x6[j];
                    t[s + 7] = x7[j];
                }
            }
        }

        /**
         * Z1[r] = b1[r] + Σ_j W1[r, j]·Xᵀ[j]: eight features per pass, each pass used by all h units while its
         * arrays are in L1. Features past n are zero in Xᵀ and in W1p.
         */
        private void forward(int S) {
            float[] bias1 = net.b1().value().data();
            for (int r = 0; r < h; r++) {
                Arrays.fill(Z1[r], 0, S, bias1[r]);
            }
            for (int j = 0; j < n; j += 8) {
                float[] x0 = Xt[j], x1 = Xt[j + 1], x2 = Xt[j + 2], x3 = Xt[j + 3];
                float[] x4 = Xt[j + 4], x5 = Xt[j + 5], x6 = Xt[j + 6], x7 = Xt[j + 7];
                for (int r = 0; r < h; r++) {
                    float[] w = W1p[r], z = Z1[r];
                    float w0 = w[j], w1 = w[j + 1], w2 = w[j + 2], w3 = w[j + 3];
                    float w4 = w[j + 4], w5 = w[j + 5], w6 = w[j + 6], w7 = w[j + 7];
                    for (int s = 0; s < S; s++) {
                        z[s] = Math.fma(w0, x0[s], Math.fma(w1, x1[s], Math.fma(w2, x2[s], Math.fma(w3, x3[s],
                                Math.fma(w4, x4[s], Math.fma(w5, x5[s], Math.fma(w6, x6[s], Math.fma(w7, x7[s], z[s]))))))));
                    }
                }
            }
        }

        /**
         * Z1[·][s], A1[·][s] and Z2[·][s] of row s, with scalar arithmetic except Z1: there the 784 products
         * W1[r, j]·X[s, j] are first folded into {@value #L} partial sums by seven fused multiply-adds at constant
         * offsets (a loop C2 vectorises), then added. The block's softmax follows ({@link BlockTail#softmax}).
         */
        private void rowForward(int s) {
            float[] x = X[s];
            float[] bias1 = net.b1().value().data();
            for (int r = 0; r < h; r++) {
                float z = bias1[r] + fold(W1p[r], x), a = f.apply(z);
                Z1[r][s] = z;
                A1[r][s] = a;
                a1[r] = a;
            }
            // Z2 = b2 + Σ_r A1[r]·(column r of W2), skipping units the activation switched off
            System.arraycopy(net.b2().value().data(), 0, z2, 0, c);
            for (int r = 0; r < h; r++) {
                float ar = a1[r];
                if (ar != 0f) {
                    for (int k = 0, o = r * c; k < c; k++) {
                        z2[k] = Math.fma(ar, W2t[o + k], z2[k]);
                    }
                }
            }
            float[][] Z2 = tail.Z2;
            for (int k = 0; k < c; k++) {
                Z2[k][s] = z2[k];
            }
        }

        /** Row s from dZ2[·][s] down to dZ1[·][s]: dW2 and db2 row by row, in this order. */
        private void rowBackward(ChunkPartials out, int s) {
            float[][] dZ2 = tail.Z2;
            float[] w2 = net.W2().value().data();
            for (int r = 0; r < h; r++) {
                a1[r] = A1[r][s];
                dZ1[r][s] = 0f;
            }
            for (int k = 0; k < c; k++) {
                float dz2 = dZ2[k][s];
                out.db2[k] += dz2;
                for (int r = 0, o = k * h; r < h; r++) {
                    out.dW2[o + r] = Math.fma(dz2, a1[r], out.dW2[o + r]);
                    dZ1[r][s] = Math.fma(dz2, w2[o + r], dZ1[r][s]);
                }
            }
            for (int r = 0; r < h; r++) {
                float d = dZ1[r][s] * f.derivative(Z1[r][s], a1[r]);
                dZ1[r][s] = d;
                out.db1[r] += d;
            }
        }

        /** Σ_j w[j]·x[j] over K columns: seven constant-offset terms per partial sum, then the L partials. */
        private float fold(float[] w, float[] x) {
            float[] p = t;
            for (int j = 0; j < L; j++) {
                p[j] = Math.fma(w[j], x[j], Math.fma(w[L + j], x[L + j], Math.fma(w[2 * L + j], x[2 * L + j],
                        Math.fma(w[3 * L + j], x[3 * L + j], Math.fma(w[4 * L + j], x[4 * L + j],
                        Math.fma(w[5 * L + j], x[5 * L + j], w[6 * L + j] * x[6 * L + j]))))));
            }
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (int j = 0; j < L; j += 8) {
                s0 += p[j];
                s1 += p[j + 1];
                s2 += p[j + 2];
                s3 += p[j + 3];
                s4 += p[j + 4];
                s5 += p[j + 5];
                s6 += p[j + 6];
                s7 += p[j + 7];
            }
            return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        }

        /** dW1[r] += Σ_q dZ1[r][s + q]·X[s + q] over the block, eight rows per pass. */
        private void backward(ChunkPartials out, int S) {
            for (int s = 0; s < S; s += 8) {
                float[] x0 = X[s], x1 = X[s + 1], x2 = X[s + 2], x3 = X[s + 3];
                float[] x4 = X[s + 4], x5 = X[s + 5], x6 = X[s + 6], x7 = X[s + 7];
                for (int r = 0; r < h; r++) {
                    float[] d = dZ1[r];
                    // rows past S are zero rows; their dZ1 entries are stale, so they get a zero coefficient
                    float d0 = d[s], d1 = s + 1 < S ? d[s + 1] : 0f, d2 = s + 2 < S ? d[s + 2] : 0f;
                    float d3 = s + 3 < S ? d[s + 3] : 0f, d4 = s + 4 < S ? d[s + 4] : 0f;
                    float d5 = s + 5 < S ? d[s + 5] : 0f, d6 = s + 6 < S ? d[s + 6] : 0f;
                    float d7 = s + 7 < S ? d[s + 7] : 0f;
                    if (d0 == 0f && d1 == 0f && d2 == 0f && d3 == 0f && d4 == 0f && d5 == 0f && d6 == 0f && d7 == 0f) {
                        continue; // a unit the activation switched off for all eight rows
                    }
                    float[] g = out.dW1[r];
                    // the constant bound K (rows are zero past n): with the field n as bound C2 does not vectorise
                    for (int j = 0; j < K; j++) {
                        g[j] = Math.fma(d0, x0[j], Math.fma(d1, x1[j], Math.fma(d2, x2[j], Math.fma(d3, x3[j],
                                Math.fma(d4, x4[j], Math.fma(d5, x5[j], Math.fma(d6, x6[j], Math.fma(d7, x7[j], g[j]))))))));
                    }
                }
            }
        }
    }
}
