package dev.sinapse.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Rng;
import org.junit.jupiter.api.Test;

/** The kernels' e^x, scalar and lane-wise; runs with {@code --add-modules jdk.incubator.vector}. */
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
        float[] x = new float[8], shift = new float[8], out = new float[11];
        Rng rng = new Rng(5);
        for (int rep = 0; rep < 20_000; rep++) {
            for (int i = 0; i < 8; i++) {
                x[i] = (rng.nextFloat() - 0.9f) * 200f;
                shift[i] = rep % 2 == 0 ? 0f : (rng.nextFloat() - 0.5f) * 20f;
                out[3 + i] = x[i];
            }
            VectorTail.exp(out, 3, shift);
            for (int i = 0; i < 8; i++) {
                float want = Exp.exp(x[i] - shift[i]);
                assertThat(Float.floatToRawIntBits(out[3 + i])).as("e^(%s - %s)", x[i], shift[i]).isEqualTo(Float.floatToRawIntBits(want));
            }
        }
    }
}
