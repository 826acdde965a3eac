package dev.sinapse.kernels;

import static dev.sinapse.kernels.FusedMlpKernel.combine;
import static dev.sinapse.kernels.FusedMlpKernel.dot;
import static dev.sinapse.kernels.FusedMlpKernel.sum;

import dev.sinapse.api.Activation;
import dev.sinapse.api.CrossEntropyLoss;
import java.util.Arrays;

/**
 * The end of a fused step for a block of S rows, in the plain fused kernel's loops ({@link VectorTail} is the
 * Vector API kernel's, tested against this one): Z2 = b2 + W2·A1, A2 = softmax(Z2) (max-shifted), the loss and hits, then dZ2 = (A2 − Y)/m,
 * dW2 += dZ2·A1ᵀ, db2 += Σ dZ2, dZ1 = (W2ᵀ·dZ2) ⊙ f'(Z1), db1 += Σ dZ1. Arrays are indexed [unit][row in block].
 * One per worker's block buffers; reused from step to step.
 */
final class BlockTail {
    private final int h;
    private final int c;
    private final Activation f;
    private final float[][] Z2; // then A2, then dZ2, in place
    private final float[] max;
    private final float[] total;
    /** The loss so far and the rows classified right, added to by {@link #run}. */
    double loss;
    long correct;

    BlockTail(int h, int c, int block, Activation f) {
        this.h = h;
        this.c = c;
        this.f = f;
        this.Z2 = new float[c][block];
        this.max = new float[block];
        this.total = new float[block];
    }

    /** Modified: dZ1 (rows 0..S−1), dW2, db2, db1, {@link #loss}, {@link #correct}. */
    void run(float[] w2, float[] bias2, float[][] Z1, float[][] A1, float[][] dZ1, int[] y, int S, float invM,
            float[] dW2, float[] db2, float[] db1) {
            for (int k = 0; k < c; k++) {
                Arrays.fill(Z2[k], 0, S, bias2[k]);
                combine(w2, k * h, 1, h, A1, Z2[k], S);
            }
            Arrays.fill(max, 0, S, Float.NEGATIVE_INFINITY);
            for (int k = 0; k < c; k++) {
                float[] z = Z2[k];
                for (int s = 0; s < S; s++) {
                    max[s] = Math.max(max[s], z[s]);
                }
            }
            Arrays.fill(total, 0, S, 0f);
            for (int k = 0; k < c; k++) {
                float[] z = Z2[k];
                for (int s = 0; s < S; s++) {
                    z[s] = Exp.exp(z[s] - max[s]);
                }
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
            for (int s = 0; s < S; s++) {
                int best = 0;
                for (int k = 1; k < c; k++) {
                    if (Z2[k][s] > Z2[best][s]) {
                        best = k;
                    }
                }
                if (best == y[s]) {
                    correct++;
                }
                loss += CrossEntropyLoss.nll(Z2[y[s]][s]);
            }
            // dZ2 = (A2 − Y)/m in place
            for (int k = 0; k < c; k++) {
                float[] d = Z2[k];
                for (int s = 0; s < S; s++) {
                    d[s] *= invM;
                }
            }
            for (int s = 0; s < S; s++) {
                Z2[y[s]][s] -= invM;
            }
            for (int k = 0; k < c; k++) {
                float[] d = Z2[k];
                db2[k] += sum(d, S);
                for (int r = 0; r < h; r++) {
                    dW2[k * h + r] += dot(d, A1[r], S);
                }
            }
            for (int r = 0; r < h; r++) {
                float[] d = dZ1[r], z = Z1[r], a = A1[r];
                Arrays.fill(d, 0, S, 0f);
                combine(w2, r, h, c, Z2, d, S);
                for (int s = 0; s < S; s++) {
                    d[s] *= f.derivative(z[s], a[s]);
                }
                db1[r] += sum(d, S);
            }
        }
}
