package dev.sinapse.kernels;

/**
 * e^x in float for the fused kernels' softmax, where {@code Math.exp} (a double call per value, ten per row) cost
 * about as much as the whole 10×10 layer around it. Cephes' {@code expf}: x = k·ln 2 + r with |r| ≤ ln 2 / 2,
 * e^r by a degree-7 polynomial, 2^k put straight into the exponent bits. Relative error under 2·10⁻⁷ (two float
 * ulps) over the range softmax uses, checked against {@code Math.exp} by ExpTest.
 *
 * <p>Only adds, multiplies, fused multiply-adds and integer bit moves, each exactly rounded by IEEE 754, so
 * the result is the same bits interpreted, compiled or on any thread: the kernels' 1-and-2-thread identity holds.
 */
final class Exp {
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 in two parts; k·LN2_HI is exact for the k that occur. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding and subtracting it rounds a float of magnitude below 2²² to the nearest integer. */
    private static final float ROUND = 12582912f;
    /** Below this e^x is under the smallest normal float; the result is clamped there, not 0. */
    static final float MIN_ARG = -87.33654f;
    static final float MAX_ARG = 88.72283f;

    private Exp() {
    }

    static float exp(float x) {
        // plain comparisons, not Math.min/max (whose NaN and −0 rules cost several instructions): rarely taken
        if (x < MIN_ARG) {
            x = MIN_ARG;
        } else if (x > MAX_ARG) {
            x = MAX_ARG;
        }
        float t = Math.fma(x, LOG2E, ROUND);
        float k = t - ROUND;
        float r = Math.fma(k, -LN2_HI, x);
        r = Math.fma(k, -LN2_LO, r);
        float p = 1.9875691500e-4f;
        p = Math.fma(p, r, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        p = Math.fma(p, r * r, r + 1f);
        // t's low mantissa bits hold k: shifted into the exponent field they give 2^k
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) << 23) + (127 << 23));
    }
}
