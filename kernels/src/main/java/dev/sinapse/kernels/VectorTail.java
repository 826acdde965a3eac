package dev.sinapse.kernels;

import static dev.sinapse.kernels.FusedMlpKernel.sum;

import dev.sinapse.api.Activation;
import dev.sinapse.api.CrossEntropyLoss;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BlockTail}'s arithmetic for {@link VectorMlpKernel}, its three small matrix products with eight rows in
 * the lanes of each vector: the scalar tail cost about half as much as the 784-wide layer it follows.
 * <pre>
 *   Z2 = b2 + W2·A1,  A2 = softmax(Z2) (max-shifted),  L −= log A2[y],  dZ2 = (A2 − Y)/m,
 *   dW2 += dZ2·A1ᵀ,  db2 += Σ dZ2,  dZ1 = (W2ᵀ·dZ2) ⊙ f'(Z1),  db1 += Σ dZ1
 * </pre>
 * Arrays are indexed [unit][row in block] and hold a multiple of eight rows. The exponentials are vectors too;
 * the max, argmax and dZ2 stay scalar loops over the rows: on JDK 17, vector masks (compare, blend) here made the
 * JIT lose track of the float vectors' class in the kernel's other loops in about one run in three, and box them
 * (1.5× slower for the whole step; always, with tiered compilation off). dZ2 is 0 in the lanes past S, so those
 * rows add nothing to the sums.
 *
 * <p>dW2 and db2 are summed lane-wise over the block's row groups and each lane set is added up once, in a fixed
 * order, at the end: like every operation here, the same bits on any thread.
 */
final class VectorTail {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final int LANES = 8;

    private final int h;
    private final int c;
    private final Activation f;
    private final float[][] Z2;     // then A2, then dZ2, in place
    private final float[] max;
    private final float[] total;
    private final int[] best;
    private final float[] dW2lanes; // (k·h + r)·8 + lane
    private final float[] db2lanes; // k·8 + lane
    /** The loss so far and the rows classified right, added to by {@link #run}. */
    double loss;
    long correct;

    VectorTail(int h, int c, int block, Activation f) {
        if (block % LANES != 0) {
            throw new IllegalArgumentException("block " + block + " is not a multiple of " + LANES);
        }
        this.h = h;
        this.c = c;
        this.f = f;
        this.Z2 = new float[c][block];
        this.max = new float[block];
        this.total = new float[block];
        this.best = new int[block];
        this.dW2lanes = new float[c * h * LANES];
        this.db2lanes = new float[c * LANES];
    }

    /** Modified: dZ1 (rows 0..S−1), dW2, db2, db1, {@link #loss}, {@link #correct}. */
    void run(float[] w2, float[] bias2, float[][] Z1, float[][] A1, float[][] dZ1, int[] y, int S, float invM,
            float[] dW2, float[] db2, float[] db1) {
        int S8 = (S + LANES - 1) / LANES * LANES;
        for (int s0 = 0; s0 < S; s0 += LANES) {
            logits(w2, bias2, A1, s0);
        }
        softmax(y, S, S8, invM);
        Arrays.fill(dW2lanes, 0f);
        Arrays.fill(db2lanes, 0f);
        for (int s0 = 0; s0 < S; s0 += LANES) {
            gradients(w2, A1, dZ1, s0);
        }
        for (int kr = 0; kr < c * h; kr++) {
            dW2[kr] += sum8(dW2lanes, kr * LANES);
        }
        for (int k = 0; k < c; k++) {
            db2[k] += sum8(db2lanes, k * LANES);
        }
        for (int r = 0; r < h; r++) {
            float[] d = dZ1[r], z = Z1[r], a = A1[r];
            for (int s = 0; s < S; s++) {
                d[s] *= f.derivative(z[s], a[s]);
            }
            db1[r] += sum(d, S);
        }
    }

    /** Z2[·][s0..s0+7] = b2 + W2·A1. */
    private void logits(float[] w2, float[] bias2, float[][] A1, int s0) {
        for (int k = 0; k < c; k++) {
            FloatVector z = FloatVector.broadcast(F, bias2[k]);
            for (int r = 0; r < h; r++) {
                z = FloatVector.fromArray(F, A1[r], s0).fma(FloatVector.broadcast(F, w2[k * h + r]), z);
            }
            z.intoArray(Z2[k], s0);
        }
    }

    /** Z2 → A2 → dZ2 = (A2 − Y)/m for rows 0..S−1, and 0 for rows S..S8−1; adds to the loss and the hits. */
    private void softmax(int[] y, int S, int S8, float invM) {
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
            for (int s = 0; s < S8; s += LANES) {
                exp(FloatVector.fromArray(F, z, s).sub(FloatVector.fromArray(F, max, s))).intoArray(z, s);
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
        // the first largest A2 is the prediction: the best so far, class by class, in plain arrays
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
        for (int s = 0; s < S; s++) {
            if (best[s] == y[s]) {
                correct++;
            }
            loss += CrossEntropyLoss.nll(Z2[y[s]][s]);
        }
        for (int k = 0; k < c; k++) {
            float[] d = Z2[k];
            for (int s = 0; s < S; s++) {
                d[s] *= invM;
            }
            Arrays.fill(d, S, S8, 0f);
        }
        for (int s = 0; s < S; s++) {
            Z2[y[s]][s] -= invM;
        }
    }

    /** dW2 and db2 lanes += rows s0..s0+7; dZ1[·][s0..s0+7] = W2ᵀ·dZ2 (before f'). */
    private void gradients(float[] w2, float[][] A1, float[][] dZ1, int s0) {
        for (int k = 0; k < c; k++) {
            FloatVector d = FloatVector.fromArray(F, Z2[k], s0);
            FloatVector.fromArray(F, db2lanes, k * LANES).add(d).intoArray(db2lanes, k * LANES);
            for (int r = 0; r < h; r++) {
                int o = (k * h + r) * LANES;
                d.fma(FloatVector.fromArray(F, A1[r], s0), FloatVector.fromArray(F, dW2lanes, o)).intoArray(dW2lanes, o);
            }
        }
        for (int r = 0; r < h; r++) {
            FloatVector d = FloatVector.zero(F);
            for (int k = 0; k < c; k++) {
                d = FloatVector.fromArray(F, Z2[k], s0).fma(FloatVector.broadcast(F, w2[k * h + r]), d);
            }
            d.intoArray(dZ1[r], s0);
        }
    }

    /** {@link Exp#exp} lane-wise: the same operations, so the same bits. No masks: see the class comment. */
    static FloatVector exp(FloatVector x) {
        x = x.max(Exp.MIN_ARG).min(Exp.MAX_ARG);
        FloatVector t = x.fma(FloatVector.broadcast(F, 1.44269504088896341f), FloatVector.broadcast(F, 12582912f));
        FloatVector k = t.sub(12582912f);
        FloatVector r = k.fma(FloatVector.broadcast(F, -0.693359375f), x);
        r = k.fma(FloatVector.broadcast(F, 2.12194440e-4f), r);
        FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(F, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
        p = p.fma(r.mul(r), r.add(1f));
        FloatVector pow2 = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(127 << 23).reinterpretAsFloats();
        return p.mul(pow2);
    }

    private static float sum8(float[] t, int o) {
        return ((t[o] + t[o + 1]) + (t[o + 2] + t[o + 3])) + ((t[o + 4] + t[o + 5]) + (t[o + 6] + t[o + 7]));
    }
}
