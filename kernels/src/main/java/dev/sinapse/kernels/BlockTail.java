package dev.sinapse.kernels;

import dev.sinapse.api.Activation;
import dev.sinapse.api.CrossEntropyLoss;
import java.util.Arrays;

/**
 * The end of a fused step for a block of S rows, from Z1 = X·W1ᵀ + b1 on:
 * <pre>
 *   A1 = f(Z1),  Z2 = b2 + W2·A1,  A2 = softmax(Z2) (max-shifted),  L += −log A2[y],  dZ2 = (A2 − Y)/m,
 *   dW2 += dZ2·A1ᵀ,  db2 += Σ dZ2,  dZ1 = (W2ᵀ·dZ2) ⊙ f'(Z1),  db1 += Σ dZ1
 * </pre>
 * Arrays are indexed [unit][row in block]; Z2 becomes A2, then dZ2, in place. The softmax, loss, hits and dZ2 are
 * one piece of code for both strategies and for the scalar one's row-by-row path ({@link #softmax}); the three
 * small products (logits, gradients), e^x, the softmax's normalisation ({@link #normalize}) and the argmax
 * ({@link #predictions}) are the parts a strategy may replace: here in plain loops of four fused multiply-add
 * chains, in {@link VectorTail} eight rows per vector. Each strategy's order of float operations is its own and
 * fixed, so each gives the same bits on any thread. One per worker's block buffers; reused from step to step.
 */
class BlockTail {
    final int h;
    final int c;
    private final Activation f;
    /** Z2, then A2, then dZ2, in place. */
    final float[][] Z2;
    private final float[] max;
    private final float[] total;
    private final int[] best;

    BlockTail(int h, int c, int block, Activation f) {
        this.h = h;
        this.c = c;
        this.f = f;
        this.Z2 = new float[c][block];
        this.max = new float[block];
        this.total = new float[block];
        this.best = new int[block];
    }

    /** Modified: A1 and dZ1 (rows 0..S−1), out's dW2, db2, db1, loss and hits. */
    final void run(float[] w2, float[] bias2, float[][] Z1, float[][] A1, float[][] dZ1, int[] y, int S, float invM,
            ChunkPartials out) {
        for (int r = 0; r < h; r++) {
            f.apply(Z1[r], A1[r], 0, S);
        }
        logits(w2, bias2, A1, S);
        softmax(y, S, invM, out);
        gradients(w2, A1, dZ1, S, out);
        for (int r = 0; r < h; r++) {
            f.scaleByDerivative(Z1[r], A1[r], dZ1[r], 0, S);
            out.db1[r] += sum(dZ1[r], S);
        }
    }

    /**
     * Z2 → A2 → dZ2 = (A2 − Y)/m in place for rows 0..S−1; adds their loss and hits to out. Also the scalar
     * kernel's row-by-row path, which fills {@link #Z2} row by row first. Modified: Z2, out's loss and hits.
     */
    final void softmax(int[] y, int S, float invM, ChunkPartials out) {
        normalize(S);
        predictions(best, S);
        int hits = 0;
        for (int s = 0; s < S; s++) {
            hits += best[s] == y[s] ? 1 : 0;
            out.loss += CrossEntropyLoss.nll(Z2[y[s]][s]);
        }
        out.correct += hits;
        for (int k = 0; k < c; k++) {
            float[] d = Z2[k];
            for (int s = 0; s < S; s++) {
                d[s] *= invM;
            }
        }
        for (int s = 0; s < S; s++) {
            Z2[y[s]][s] -= invM;
        }
    }

    /**
     * best[s] = the first class with the largest A2[·][s], for rows 0..S−1: the best so far, class by class, in plain
     * arrays. A strategy may do the same on several rows at once. Modified: best.
     */
    void predictions(int[] best, int S) {
        System.arraycopy(Z2[0], 0, max, 0, S);
        Arrays.fill(best, 0, S, 0);
        for (int k = 1; k < c; k++) {
            float[] a = Z2[k];
            for (int s = 0; s < S; s++) {
                boolean higher = a[s] > max[s];
                max[s] = higher ? a[s] : max[s];
                best[s] = higher ? k : best[s];
            }
        }
    }

    /**
     * Z2 → A2 for rows 0..S−1: each row's max over the classes (in class order, from Z2[0]), e^(z − max), their total
     * in class order, then a·(1/total). A strategy may do the same operations on several rows at once. Modified: Z2.
     */
    void normalize(int S) {
        System.arraycopy(Z2[0], 0, max, 0, S);
        for (int k = 1; k < c; k++) {
            float[] z = Z2[k];
            for (int s = 0; s < S; s++) {
                max[s] = Math.max(max[s], z[s]);
            }
        }
        Arrays.fill(total, 0, S, 0f);
        for (int k = 0; k < c; k++) {
            float[] z = Z2[k];
            exp(z, max, S);
            for (int s = 0; s < S; s++) {
                total[s] += z[s];
            }
        }
        for (int s = 0; s < S; s++) {
            total[s] = 1f / total[s];
        }
        for (int k = 0; k < c; k++) {
            float[] a = Z2[k];
            for (int s = 0; s < S; s++) {
                a[s] *= total[s];
            }
        }
    }

    /** Z2[·][0..S) = b2 + W2·A1. */
    void logits(float[] w2, float[] bias2, float[][] A1, int S) {
        for (int k = 0; k < c; k++) {
            Arrays.fill(Z2[k], 0, S, bias2[k]);
            combine(w2, k * h, 1, h, A1, Z2[k], S);
        }
    }

    /** z[s] = e^(z[s] − max[s]) for rows 0..S−1 ({@link Exp}). Modified: z. */
    void exp(float[] z, float[] max, int S) {
        for (int s = 0; s < S; s++) {
            z[s] = Exp.exp(z[s] - max[s]);
        }
    }

    /** dW2 += dZ2·A1ᵀ, db2 += Σ dZ2, dZ1[·][0..S) = W2ᵀ·dZ2 (before f'). Modified: dZ1, out's dW2 and db2. */
    void gradients(float[] w2, float[][] A1, float[][] dZ1, int S, ChunkPartials out) {
        for (int k = 0; k < c; k++) {
            float[] d = Z2[k];
            out.db2[k] += sum(d, S);
            for (int r = 0; r < h; r++) {
                out.dW2[k * h + r] += dot(d, A1[r], S);
            }
        }
        for (int r = 0; r < h; r++) {
            Arrays.fill(dZ1[r], 0, S, 0f);
            combine(w2, r, h, c, Z2, dZ1[r], S);
        }
    }

    /** out[s] += Σ_q w[wo + q·stride]·V[q][s] for q in [0, count), four terms per pass. Modified: out. */
    private static void combine(float[] w, int wo, int stride, int count, float[][] V, float[] out, int S) {
        int q = 0;
        for (; q + 4 <= count; q += 4) {
            float w0 = w[wo + q * stride], w1 = w[wo + (q + 1) * stride];
            float w2 = w[wo + (q + 2) * stride], w3 = w[wo + (q + 3) * stride];
            float[] v0 = V[q], v1 = V[q + 1], v2 = V[q + 2], v3 = V[q + 3];
            for (int s = 0; s < S; s++) {
                out[s] = Math.fma(w0, v0[s], Math.fma(w1, v1[s], Math.fma(w2, v2[s], Math.fma(w3, v3[s], out[s]))));
            }
        }
        for (; q < count; q++) {
            float w0 = w[wo + q * stride];
            float[] v0 = V[q];
            for (int s = 0; s < S; s++) {
                out[s] = Math.fma(w0, v0[s], out[s]);
            }
        }
    }

    /** Σ a[s], four chains. */
    private static float sum(float[] a, int S) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int s = 0;
        for (; s + 4 <= S; s += 4) {
            s0 += a[s];
            s1 += a[s + 1];
            s2 += a[s + 2];
            s3 += a[s + 3];
        }
        for (; s < S; s++) {
            s0 += a[s];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ a[s]·b[s], four chains. */
    private static float dot(float[] a, float[] b, int S) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int s = 0;
        for (; s + 4 <= S; s += 4) {
            s0 = Math.fma(a[s], b[s], s0);
            s1 = Math.fma(a[s + 1], b[s + 1], s1);
            s2 = Math.fma(a[s + 2], b[s + 2], s2);
            s3 = Math.fma(a[s + 3], b[s + 3], s3);
        }
        for (; s < S; s++) {
            s0 = Math.fma(a[s], b[s], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }
}
