package dev.sinapse.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Rng;
import jdk.incubator.vector.FloatVector;
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
}
