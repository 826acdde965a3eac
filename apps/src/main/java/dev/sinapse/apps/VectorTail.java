package dev.sinapse.apps;

import static dev.sinapse.apps.FusedMlpKernel.sum;

import dev.sinapse.api.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BlockTail}'s arithmetic with eight rows in the lanes of each vector, for {@link VectorMlpKernel}: the
 * scalar tail (a 10×10 layer, ten exponentials and an argmax per row) cost about half as much as the 784-wide
 * layer it follows. Arrays are indexed [unit][row in block] and hold a multiple of eight rows; lanes past S are
 * computed and then masked out of every sum.
 * <pre>
 *   Z2 = b2 + W2·A1,  A2 = softmax(Z2) (max-shifted),  L −= log A2[y],  dZ2 = (A2 − Y)/m,
 *   dW2 += dZ2·A1ᵀ,  db2 += Σ dZ2,  dZ1 = (W2ᵀ·dZ2) ⊙ f'(Z1),  db1 += Σ dZ1
 * </pre>
 * dW2 and db2 are summed lane-wise over the block's row groups and each lane set is added up once, in a fixed
 * order, at the end: like every operation here, the same bits on any thread.
 */
final class VectorTail {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final int LANES = 8;
    private static final float TINY = 1e-30f; // the cross-entropy's clamp, as in the loss
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;

    private final int h;
    private final int c;
    private final Activation f;
    private final float[][] Z2;    // then A2, then dZ2, in place
    private final float[] dW2lanes; // (k·h + r)·8 + lane
    private final float[] db2lanes; // k·8 + lane
    private final float[] picked;   // A2[y_s][s], kept for the loss before dZ2 overwrites A2
    private final float[] label;    // y_s as a float, compared lane-wise with the class index
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
        this.dW2lanes = new float[c * h * LANES];
        this.db2lanes = new float[c * LANES];
        this.picked = new float[block];
        this.label = new float[block];
    }

    /** Modified: dZ1 (rows 0..S−1), dW2, db2, db1, {@link #loss}, {@link #correct}. */
    void run(float[] w2, float[] bias2, float[][] Z1, float[][] A1, float[][] dZ1, int[] y, int S, float invM,
            float[] dW2, float[] db2, float[] db1) {
        java.util.Arrays.fill(dW2lanes, 0f);
        java.util.Arrays.fill(db2lanes, 0f);
        for (int s = 0; s < S; s++) {
            label[s] = y[s];
        }
        for (int s0 = 0; s0 < S; s0 += LANES) {
            group(w2, bias2, A1, dZ1, s0, S, invM);
        }
        for (int s = 0; s < S; s++) {
            loss -= Math.log(Math.max(picked[s], TINY));
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

    private void group(float[] w2, float[] bias2, float[][] A1, float[][] dZ1, int s0, int S, float invM) {
        // float compares only: on JDK 17, casts between float and int masks are not compiled to vector code
        VectorMask<Float> valid = F.indexInRange(s0, S);
        FloatVector labels = FloatVector.fromArray(F, label, s0);
        FloatVector zero = FloatVector.zero(F), oneOverM = FloatVector.broadcast(F, invM);
        // Z2 = b2 + W2·A1, and the running max
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int k = 0; k < c; k++) {
            FloatVector z = FloatVector.broadcast(F, bias2[k]);
            for (int r = 0; r < h; r++) {
                z = FloatVector.fromArray(F, A1[r], s0).fma(FloatVector.broadcast(F, w2[k * h + r]), z);
            }
            z.intoArray(Z2[k], s0);
            max = max.max(z);
        }
        FloatVector total = zero;
        for (int k = 0; k < c; k++) {
            FloatVector e = exp(FloatVector.fromArray(F, Z2[k], s0).sub(max));
            e.intoArray(Z2[k], s0);
            total = total.add(e);
        }
        FloatVector inv = FloatVector.broadcast(F, 1f).div(total);
        // A2 = e·(1/total); the first largest is the prediction; A2 at the label is kept for the loss
        FloatVector best = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector bestK = zero;
        FloatVector atLabel = zero;
        for (int k = 0; k < c; k++) {
            FloatVector a = FloatVector.fromArray(F, Z2[k], s0).mul(inv);
            VectorMask<Float> gt = a.compare(VectorOperators.GT, best);
            best = best.blend(a, gt);
            bestK = bestK.blend(FloatVector.broadcast(F, k), gt);
            VectorMask<Float> isLabel = labels.compare(VectorOperators.EQ, FloatVector.broadcast(F, k));
            atLabel = atLabel.blend(a, isLabel);
            // dZ2 = A2/m − 1/m at the label, 0 past S
            FloatVector d = a.mul(oneOverM).sub(zero.blend(oneOverM, isLabel));
            d = zero.blend(d, valid);
            d.intoArray(Z2[k], s0);
            FloatVector.fromArray(F, db2lanes, k * LANES).add(d).intoArray(db2lanes, k * LANES);
            for (int r = 0; r < h; r++) {
                int o = (k * h + r) * LANES;
                d.fma(FloatVector.fromArray(F, A1[r], s0), FloatVector.fromArray(F, dW2lanes, o)).intoArray(dW2lanes, o);
            }
        }
        correct += bestK.compare(VectorOperators.EQ, labels).and(valid).trueCount();
        atLabel.intoArray(picked, s0);
        // dZ1 before f': W2ᵀ·dZ2 (0 past S, as dZ2 is)
        for (int r = 0; r < h; r++) {
            FloatVector d = zero;
            for (int k = 0; k < c; k++) {
                d = FloatVector.fromArray(F, Z2[k], s0).fma(FloatVector.broadcast(F, w2[k * h + r]), d);
            }
            d.intoArray(dZ1[r], s0);
        }
    }

    /** {@link Exp#exp} lane-wise: the same operations, so the same bits as the scalar version. */
    static FloatVector exp(FloatVector x) {
        x = x.max(Exp.MIN_ARG).min(Exp.MAX_ARG);
        FloatVector t = x.fma(LOG2E, ROUND);
        FloatVector k = t.sub(ROUND);
        FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(F, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
        p = p.fma(r.mul(r), r.add(1f));
        // t's low mantissa bits hold k: shifted into the exponent field they give 2^k
        IntVector bits = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(127 << 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    private static float sum8(float[] t, int o) {
        return ((t[o] + t[o + 1]) + (t[o + 2] + t[o + 3])) + ((t[o + 4] + t[o + 5]) + (t[o + 6] + t[o + 7]));
    }
}
