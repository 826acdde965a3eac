package dev.sinapse.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Activation;
import dev.sinapse.api.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The scalar tail against the Vector API one ({@link VectorBlocks.Tail}); runs with the Vector API module. */
class BlockTailTest {
    private static final Activation RELU = TestNet.activation("relu");

    @Test
    void vectorTailGivesTheScalarLossAndHitsAndCloseGradientsForEveryBlockSize() {
        int h = 7, c = 5, block = 64;
        Rng rng = new Rng(9);
        float[] w2 = new float[c * h], b2 = new float[c];
        for (int i = 0; i < w2.length; i++) {
            w2[i] = rng.nextFloat() - 0.5f;
        }
        for (int k = 0; k < c; k++) {
            b2[k] = rng.nextFloat() - 0.5f;
        }
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
            new VectorBlocks.Tail(h, c, block, RELU).run(w2, b2, Z1, A1, dZ1v, y, S, invM, v);
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
            BlockTail vector = new VectorBlocks.Tail(4, c, block, RELU);
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

    private static void close(float[] got, float[] want, String what, int S) {
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("%s[%d], S=%d", what, i, S).isCloseTo(want[i], within(1e-6f));
        }
    }
}
