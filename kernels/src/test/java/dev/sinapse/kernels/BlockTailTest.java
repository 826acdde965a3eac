package dev.sinapse.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Activation;
import dev.sinapse.api.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The scalar tail against the Vector API one ({@link VectorTail}); runs with the Vector API module. */
class BlockTailTest {
    private static final Activation RELU = TestNet.activation("relu");

    @Test
    void vectorTailGivesTheScalarLossAndHitsAndCloseGradientsForEveryBlockSize() {
        int h = 7, c = 5, block = 64;
        Rng rng = new Rng(9);
        float[] w2 = uniform(rng, c * h), b2 = uniform(rng, c);
        for (int S : new int[] {1, 7, 8, 9, 16, 31, 64}) {
            float[][] Z1 = new float[h][block], A1 = new float[h][block];
            for (int r = 0; r < h; r++) {
                for (int s = 0; s < block; s++) {
                    Z1[r][s] = rng.nextFloat() * 6 - 3;
                    A1[r][s] = RELU.apply(Z1[r][s]);
                }
            }
            int[] y = new int[block];
            for (int s = 0; s < S; s++) {
                y[s] = rng.nextInt(c);
            }
            float invM = 1f / (S + 3);
            float[][] dZ1v = new float[h][block], dZ1s = new float[h][block];
            ChunkPartials v = new ChunkPartials(h, c, h, 8), b = new ChunkPartials(h, c, h, 8);
            new VectorTail(h, c, block, RELU).run(w2, b2, Z1, A1, dZ1v, y, S, invM, v);
            new BlockTail(h, c, block, RELU).run(w2, b2, Z1, A1, dZ1s, y, S, invM, b);
            assertThat(v.loss).as("loss, S=%d", S).isCloseTo(b.loss, within(1e-5 * S));
            assertThat(v.correct).as("hits, S=%d", S).isEqualTo(b.correct);
            close(v.dW2, b.dW2, "dW2", S);
            close(v.db2, b.db2, "db2", S);
            close(v.db1, b.db1, "db1", S);
            for (int r = 0; r < h; r++) {
                close(Arrays.copyOf(dZ1v[r], S), Arrays.copyOf(dZ1s[r], S), "dZ1[" + r + "]", S);
            }
        }
    }

    @Test
    void vectorSoftmaxGivesTheScalarBitsForEveryBlockSize() {
        int c = 10, block = 64;
        Rng rng = new Rng(12);
        for (int S : new int[] {1, 7, 8, 9, 31, 64}) {
            BlockTail scalar = new BlockTail(4, c, block, RELU);
            BlockTail vector = new VectorTail(4, c, block, RELU);
            for (int k = 0; k < c; k++) {
                for (int s = 0; s < block; s++) {
                    // logits far apart and close together, as early and late in training; a tie and an overflow
                    float z = (rng.nextFloat() - 0.5f) * (s % 3 == 0 ? 200 : 8);
                    scalar.Z2[k][s] = vector.Z2[k][s] = s == 5 ? 1f : s == 6 && k == 2 ? 1e30f : z;
                }
            }
            scalar.normalize(S);
            vector.normalize(S);
            for (int k = 0; k < c; k++) {
                float[] want = Arrays.copyOf(scalar.Z2[k], S);
                assertThat(Arrays.copyOf(vector.Z2[k], S)).as("class %d, S=%d", k, S).isEqualTo(want);
                for (float a : want) {
                    assertThat(a).isBetween(0f, 1f);
                }
            }
        }
    }

    /**
     * The vector tail's products are, lane by lane, the fma chains of one output in unit (or class) order: Z2 from
     * b2 over r, dZ1 from 0 over k, and each lane of dW2's sums over the row groups; at shapes that leave partial
     * tiles (7 units, 5 classes) and odd groups of rows.
     */
    @Test
    void vectorTailProductsAreTheFmaChainsInOrderBitwise() {
        int h = 7, c = 5, block = 64;
        Rng rng = new Rng(21);
        float[] w2 = uniform(rng, c * h), b2 = uniform(rng, c);
        for (int S : new int[] {1, 7, 8, 9, 16, 24, 31, 64}) {
            float[][] A1 = new float[h][block], dZ1 = new float[h][block];
            for (int r = 0; r < h; r++) {
                for (int s = 0; s < block; s++) {
                    A1[r][s] = rng.nextFloat() * 3;
                }
            }
            VectorTail tail = new VectorTail(h, c, block, RELU);
            tail.logits(w2, b2, A1, S);
            for (int k = 0; k < c; k++) {
                for (int s = 0; s < S; s++) {
                    float z = b2[k];
                    for (int r = 0; r < h; r++) {
                        z = Math.fma(A1[r][s], w2[k * h + r], z);
                    }
                    assertThat(tail.Z2[k][s]).as("Z2[%d][%d], S=%d", k, s, S).isEqualTo(z);
                }
            }
            // dZ2 in place of Z2, then the gradients
            for (int k = 0; k < c; k++) {
                for (int s = 0; s < block; s++) {
                    tail.Z2[k][s] = rng.nextFloat() - 0.5f;
                }
            }
            float[][] dZ2 = new float[c][];
            for (int k = 0; k < c; k++) {
                dZ2[k] = Arrays.copyOf(tail.Z2[k], S);
            }
            ChunkPartials out = new ChunkPartials(h, c, h, 8);
            tail.gradients(w2, A1, dZ1, S, out);
            for (int r = 0; r < h; r++) {
                for (int s = 0; s < S; s++) {
                    float d = 0f;
                    for (int k = 0; k < c; k++) {
                        d = Math.fma(dZ2[k][s], w2[k * h + r], d);
                    }
                    assertThat(dZ1[r][s]).as("dZ1[%d][%d], S=%d", r, s, S).isEqualTo(d);
                }
            }
            for (int k = 0; k < c; k++) {
                for (int r = 0; r < h; r++) {
                    float[] lanes = new float[8];
                    for (int s = 0; s < S; s++) {
                        lanes[s % 8] = Math.fma(dZ2[k][s], A1[r][s], lanes[s % 8]);
                    }
                    assertThat(out.dW2[k * h + r]).as("dW2[%d, %d], S=%d", k, r, S).isEqualTo(VectorBlocks.sum8(lanes, 0));
                }
            }
        }
    }

    /** The vector argmax picks the scalar loop's class: the first of the largest, ties, zeros and rows of NaN included. */
    @Test
    void vectorPredictionsAreTheScalarOnes() {
        int c = 10, block = 64;
        Rng rng = new Rng(5);
        for (int S : new int[] {1, 8, 13, 64}) {
            BlockTail scalar = new BlockTail(4, c, block, RELU);
            BlockTail vector = new VectorTail(4, c, block, RELU);
            for (int s = 0; s < block; s++) {
                for (int k = 0; k < c; k++) {
                    // probabilities on a coarse grid, so that rows tie; some rows all 0, some all NaN, some tiny
                    float a = s % 7 == 3 ? 0f : s % 11 == 4 ? Float.NaN : rng.nextInt(4) / 4f;
                    scalar.Z2[k][s] = vector.Z2[k][s] = s % 13 == 6 ? a * 1e-44f : a;
                }
            }
            int[] want = new int[block], got = new int[block];
            scalar.predictions(want, S);
            vector.predictions(got, S);
            assertThat(Arrays.copyOf(got, S)).as("S=%d", S).isEqualTo(Arrays.copyOf(want, S));
            assertThat(Arrays.stream(want, 0, S).distinct().count()).as("S=%d", S).isGreaterThan(S > 8 ? 3 : 0);
        }
    }

    /** n draws from uniform(−0.5, 0.5). */
    private static float[] uniform(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextFloat() - 0.5f;
        }
        return a;
    }

    private static void close(float[] got, float[] want, String what, int S) {
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("%s[%d], S=%d", what, i, S).isCloseTo(want[i], within(1e-6f));
        }
    }
}
