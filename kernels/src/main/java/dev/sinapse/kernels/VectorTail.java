package dev.sinapse.kernels;

import dev.sinapse.api.Activation;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BlockTail} with its three small matrix products, the softmax's max, e^x and scaling, and the argmax eight
 * rows per vector (the scalar tail cost about half as much as the 784-wide layer it follows); the loss and dZ2 stay
 * the shared scalar loops. No vector masks (compare, blend): on JDK 17 they made the JIT lose track of the float
 * vectors' class in the kernel's other loops in about one run in three, and box them (1.5× slower for the whole
 * step; always, with tiered compilation off). Arrays hold a multiple of eight rows; dZ2 is set to 0 in the lanes
 * past S, so those rows add nothing to the sums. dW2 and db2 are summed lane-wise over the block's row groups and
 * each lane set is added up once, in a fixed order, at the end.
 *
 * <p>Each lane of a product is one chain of fused multiply-adds, each waiting about five cycles for the one before
 * it. One chain at a time, the products waited: 2.0 µs for the logits of 64 rows, against 0.7 with ten chains side
 * by side (five outputs over two groups of eight rows), as here. The chains are those of one output and one lane at
 * a time, so the bits are too.
 */
final class VectorTail extends BlockTail {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final int LANES = 8;
    private final float[] dW2lanes; // (k·h + r)·8 + lane
    private final float[] db2lanes; // k·8 + lane
    /** dZ1's chains start at 0: it has no bias. */
    private final float[] noBias;
    /** A group of rows' largest logits, lane by lane, for {@link #exp}. */
    private final float[] shift = new float[LANES];
    /**
     * A group of rows' largest A2 so far, as bits, for {@link #predictions}: kept in memory between classes, as is
     * the best class, because an int vector carried from one class to the next was at times boxed by the JIT (0.6
     * against 9.5–9.9 µs a block of 64 rows, in two runs of four).
     */
    private final int[] topBits = new int[LANES];

    VectorTail(int h, int c, int block, Activation f) {
        super(h, c, block, f);
        if (block % LANES != 0) {
            throw new IllegalArgumentException("block " + block + " is not a multiple of " + LANES);
        }
        this.dW2lanes = new float[c * h * LANES];
        this.db2lanes = new float[c * LANES];
        this.noBias = new float[h];
    }

    /** Z2[k] = b2[k] + Σ_r W2[k, r]·A1[r], r in order: output k's weights start at k·h, one apart. */
    @Override
    void logits(float[] w2, float[] bias2, float[][] A1, int S) {
        products(w2, h, 1, bias2, A1, h, Z2, c, S);
    }

    /**
     * {@link BlockTail#normalize} eight rows per vector, the same operations in the same order (max lane-wise is
     * Math.max), so the same bits; the lanes past S are not used. (Two or four groups' e^x side by side were no
     * faster: 1.6 and 2.7 against 1.6 µs a block of 64 rows.)
     */
    @Override
    void normalize(int S) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int s = 0; s < S; s += LANES) {
            FloatVector max = FloatVector.fromArray(F, Z2[0], s);
            for (int k = 1; k < c; k++) {
                max = max.max(FloatVector.fromArray(F, Z2[k], s));
            }
            max.intoArray(shift, 0);
            FloatVector total = FloatVector.zero(F);
            for (int k = 0; k < c; k++) {
                exp(Z2[k], s, shift);
                total = total.add(FloatVector.fromArray(F, Z2[k], s));
            }
            FloatVector inverse = one.div(total);
            for (int k = 0; k < c; k++) {
                FloatVector.fromArray(F, Z2[k], s).mul(inverse).intoArray(Z2[k], s);
            }
        }
    }

    /**
     * {@link BlockTail#predictions} eight rows per vector, without masks (see above). A2 is never negative, and floats
     * that are not negative order as their bits do as ints, so "a > max" is the sign of maxBits − aBits; its lanes,
     * all ones or all zeros, pick the new maximum and class by bit operations. The same classes as the scalar loop
     * (a row of NaN, which has one NaN's bits throughout, gives class 0 both ways).
     */
    @Override
    void predictions(int[] best, int S) {
        for (int s0 = 0; s0 < S; s0 += LANES) {
            FloatVector.fromArray(F, Z2[0], s0).reinterpretAsInts().intoArray(topBits, 0);
            IntVector.zero(I).intoArray(best, s0);
            for (int k = 1; k < c; k++) {
                IntVector max = IntVector.fromArray(I, topBits, 0), top = IntVector.fromArray(I, best, s0);
                IntVector a = FloatVector.fromArray(F, Z2[k], s0).reinterpretAsInts();
                IntVector higher = max.sub(a).lanewise(VectorOperators.ASHR, 31);
                max.lanewise(VectorOperators.XOR, max.lanewise(VectorOperators.XOR, a).and(higher)).intoArray(topBits, 0);
                top.lanewise(VectorOperators.XOR, top.lanewise(VectorOperators.XOR, k).and(higher)).intoArray(best, s0);
            }
        }
    }

    @Override
    void gradients(float[] w2, float[][] A1, float[][] dZ1, int S, ChunkPartials out) {
        int S8 = groups(S);
        for (int k = 0; k < c; k++) {
            Arrays.fill(Z2[k], S, S8, 0f);
        }
        sums(A1, S8);
        // dZ1[r] = Σ_k W2[k, r]·dZ2[k] (before f'), k in order: output r's weights start at r, h apart
        products(w2, 1, h, noBias, Z2, c, dZ1, h, S);
        for (int kr = 0; kr < c * h; kr++) {
            out.dW2[kr] += VectorBlocks.sum8(dW2lanes, kr * LANES);
        }
        for (int k = 0; k < c; k++) {
            out.db2[k] += VectorBlocks.sum8(db2lanes, k * LANES);
        }
    }

    /**
     * out[j] = init[j] + Σ_q w[j·js + q·qs]·V[q] for the outputs j &lt; outs and the groups of eight rows below S,
     * each lane an fma chain in q order. Five outputs over two groups of rows at a time: ten chains in flight, each
     * loaded V vector feeding five of them and each broadcast weight two. A last tile with fewer outputs or one group
     * computes the last one again (the same chain, stored again).
     */
    private static void products(float[] w, int js, int qs, float[] init, float[][] V, int Q, float[][] out,
            int outs, int S) {
        int S8 = groups(S), last = outs - 1;
        for (int j = 0; j < outs; j += 5) {
            int j0 = j, j1 = Math.min(j + 1, last), j2 = Math.min(j + 2, last), j3 = Math.min(j + 3, last);
            int j4 = Math.min(j + 4, last);
            int w0 = j0 * js, w1 = j1 * js, w2 = j2 * js, w3 = j3 * js, w4 = j4 * js;
            for (int s0 = 0; s0 < S8; s0 += 2 * LANES) {
                int s1 = Math.min(s0 + LANES, S8 - LANES);
                FloatVector a0 = FloatVector.broadcast(F, init[j0]), b0 = a0;
                FloatVector a1 = FloatVector.broadcast(F, init[j1]), b1 = a1;
                FloatVector a2 = FloatVector.broadcast(F, init[j2]), b2 = a2;
                FloatVector a3 = FloatVector.broadcast(F, init[j3]), b3 = a3;
                FloatVector a4 = FloatVector.broadcast(F, init[j4]), b4 = a4;
                for (int q = 0, o = 0; q < Q; q++, o += qs) {
                    float[] v = V[q];
                    FloatVector x = FloatVector.fromArray(F, v, s0), y = FloatVector.fromArray(F, v, s1);
                    FloatVector u = FloatVector.broadcast(F, w[w0 + o]);
                    a0 = x.fma(u, a0);
                    b0 = y.fma(u, b0);
                    u = FloatVector.broadcast(F, w[w1 + o]);
                    a1 = x.fma(u, a1);
                    b1 = y.fma(u, b1);
                    u = FloatVector.broadcast(F, w[w2 + o]);
                    a2 = x.fma(u, a2);
                    b2 = y.fma(u, b2);
                    u = FloatVector.broadcast(F, w[w3 + o]);
                    a3 = x.fma(u, a3);
                    b3 = y.fma(u, b3);
                    u = FloatVector.broadcast(F, w[w4 + o]);
                    a4 = x.fma(u, a4);
                    b4 = y.fma(u, b4);
                }
                a0.intoArray(out[j0], s0);
                b0.intoArray(out[j0], s1);
                a1.intoArray(out[j1], s0);
                b1.intoArray(out[j1], s1);
                a2.intoArray(out[j2], s0);
                b2.intoArray(out[j2], s1);
                a3.intoArray(out[j3], s0);
                b3.intoArray(out[j3], s1);
                a4.intoArray(out[j4], s0);
                b4.intoArray(out[j4], s1);
            }
        }
    }

    /**
     * db2 and dW2 lane-wise: each lane the sum over the row groups in order. Two classes × five units of sums held in
     * registers while the groups go by (stored after each group, the sums cost a store per multiply-add); a last
     * tile with fewer computes the last one again.
     */
    private void sums(float[][] A1, int S8) {
        for (int k = 0; k < c; k++) {
            FloatVector db = FloatVector.zero(F);
            for (int s0 = 0; s0 < S8; s0 += LANES) {
                db = db.add(FloatVector.fromArray(F, Z2[k], s0));
            }
            db.intoArray(db2lanes, k * LANES);
        }
        for (int k = 0; k < c; k += 2) {
            int k1 = Math.min(k + 1, c - 1);
            float[] d0 = Z2[k], d1 = Z2[k1];
            for (int r = 0; r < h; r += 5) {
                int r1 = Math.min(r + 1, h - 1), r2 = Math.min(r + 2, h - 1), r3 = Math.min(r + 3, h - 1);
                int r4 = Math.min(r + 4, h - 1);
                float[] x0 = A1[r], x1 = A1[r1], x2 = A1[r2], x3 = A1[r3], x4 = A1[r4];
                FloatVector g0 = FloatVector.zero(F), g1 = g0, g2 = g0, g3 = g0, g4 = g0;
                FloatVector e0 = g0, e1 = g0, e2 = g0, e3 = g0, e4 = g0;
                for (int s0 = 0; s0 < S8; s0 += LANES) {
                    FloatVector d = FloatVector.fromArray(F, d0, s0), e = FloatVector.fromArray(F, d1, s0);
                    FloatVector x = FloatVector.fromArray(F, x0, s0);
                    g0 = d.fma(x, g0);
                    e0 = e.fma(x, e0);
                    x = FloatVector.fromArray(F, x1, s0);
                    g1 = d.fma(x, g1);
                    e1 = e.fma(x, e1);
                    x = FloatVector.fromArray(F, x2, s0);
                    g2 = d.fma(x, g2);
                    e2 = e.fma(x, e2);
                    x = FloatVector.fromArray(F, x3, s0);
                    g3 = d.fma(x, g3);
                    e3 = e.fma(x, e3);
                    x = FloatVector.fromArray(F, x4, s0);
                    g4 = d.fma(x, g4);
                    e4 = e.fma(x, e4);
                }
                int o = k * h * LANES, o1 = k1 * h * LANES;
                g0.intoArray(dW2lanes, o + r * LANES);
                g1.intoArray(dW2lanes, o + r1 * LANES);
                g2.intoArray(dW2lanes, o + r2 * LANES);
                g3.intoArray(dW2lanes, o + r3 * LANES);
                g4.intoArray(dW2lanes, o + r4 * LANES);
                e0.intoArray(dW2lanes, o1 + r * LANES);
                e1.intoArray(dW2lanes, o1 + r1 * LANES);
                e2.intoArray(dW2lanes, o1 + r2 * LANES);
                e3.intoArray(dW2lanes, o1 + r3 * LANES);
                e4.intoArray(dW2lanes, o1 + r4 * LANES);
            }
        }
    }

    /** S rounded up to whole groups of eight rows. */
    private static int groups(int S) {
        return (S + LANES - 1) / LANES * LANES;
    }

    /**
     * z[at..at+8) = e^(z[at..at+8) − m[0..8)), {@link Exp#exp} lane-wise: the same operations, so the same bits. No
     * masks (see above), and no vector in or out: when the JIT compiled e^x on its own and then found it too large
     * to inline into the softmax, the vectors passed were boxed, and the tail took 2.4 times as long (16.6 against
     * 6.9 µs a block, in three runs of four).
     */
    static void exp(float[] z, int at, float[] m) {
        FloatVector x = FloatVector.fromArray(F, z, at).sub(FloatVector.fromArray(F, m, 0));
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
        p.mul(pow2).intoArray(z, at);
    }
}
