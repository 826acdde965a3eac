package dev.sinapse.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Activation;
import dev.sinapse.api.Rng;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The kernels' e^x and the Vector API tail; runs with {@code --add-modules jdk.incubator.vector}. */
class ExpTest {
    @Test
    void expIsWithinTwoUlpsOfMathExpOverTheRangeSoftmaxUses() {
        double worst = 0;
        for (float x = -87f; x <= 88f; x += 0.00137f) {
            double want = Math.exp(x);
            worst = Math.max(worst, Math.abs(Exp.exp(x) - want) / want);
        }
        assertThat(worst).isLessThan(2.5e-7).isGreaterThan(0); // 0 would mean it is Math.exp, not the polynomial
        assertThat(Exp.exp(0f)).isEqualTo(1f);
        assertThat(Exp.exp(-1000f)).isBetween(0f, 1.2e-38f);
        assertThat(Exp.exp(Float.NEGATIVE_INFINITY)).isBetween(0f, 1.2e-38f);
    }

    @Test
    void vectorExpGivesTheScalarBitsInEveryLane() {
        float[] x = new float[8], out = new float[8];
        Rng rng = new Rng(5);
        for (int rep = 0; rep < 20_000; rep++) {
            for (int i = 0; i < 8; i++) {
                x[i] = (rng.nextFloat() - 0.9f) * 200f;
            }
            VectorTail.exp(FloatVector.fromArray(FloatVector.SPECIES_256, x, 0)).intoArray(out, 0);
            for (int i = 0; i < 8; i++) {
                assertThat(Float.floatToRawIntBits(out[i])).as("e^%s", x[i]).isEqualTo(Float.floatToRawIntBits(Exp.exp(x[i])));
            }
        }
    }

    private static final Activation RELU = new Activation() {
        @Override
        public float apply(float z) {
            return z > 0 ? z : 0f;
        }

        @Override
        public float derivative(float z, float a) {
            return z > 0 ? 1f : 0f;
        }
    };

    @Test
    void vectorTailMatchesTheScalarTailForEveryBlockSize() {
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
            float[] dW2v = new float[c * h], db2v = new float[c], db1v = new float[h];
            float[] dW2s = new float[c * h], db2s = new float[c], db1s = new float[h];
            VectorTail v = new VectorTail(h, c, block, RELU);
            BlockTail b = new BlockTail(h, c, block, RELU);
            v.run(w2, b2, Z1, A1, dZ1v, y, S, invM, dW2v, db2v, db1v);
            b.run(w2, b2, Z1, A1, dZ1s, y, S, invM, dW2s, db2s, db1s);
            assertThat(v.loss).as("loss, S=%d", S).isCloseTo(b.loss, org.assertj.core.data.Offset.offset(1e-5 * S));
            assertThat(v.correct).as("hits, S=%d", S).isEqualTo(b.correct);
            close(dW2v, dW2s, "dW2", S);
            close(db2v, db2s, "db2", S);
            close(db1v, db1s, "db1", S);
            for (int r = 0; r < h; r++) {
                float[] got = java.util.Arrays.copyOf(dZ1v[r], S), want = java.util.Arrays.copyOf(dZ1s[r], S);
                close(got, want, "dZ1[" + r + "]", S);
            }
        }
    }

    private static void close(float[] got, float[] want, String what, int S) {
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("%s[%d], S=%d", what, i, S).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-6f));
        }
    }
}
