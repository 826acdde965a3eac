package dev.sinapse.api;

/**
 * An element-wise function A = f(Z) and its derivative. Wrapped as an {@link Elementwise} layer by the
 * layers module, so {@code type: "relu"} in a config is a layer like any other.
 */
public interface Activation {
    /** f(z). */
    float apply(float z);

    /** f'(z), given z and a = f(z) (whichever is cheaper to use). */
    float derivative(float z, float a);

    /**
     * a[i] = f(z[i]) for i in [from, to): what layers and kernels call on whole rows. An activation may override it
     * with a loop the JIT compiles to SIMD instructions (branch-free); it must give the values of {@link #apply(float)}.
     * Modified: a.
     */
    default void apply(float[] z, float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = apply(z[i]);
        }
    }

    /**
     * d[i] = d[i]·f'(z[i]) for i in [from, to), given a = f(z): the backward step through f. As with
     * {@link #apply(float[], float[], int, int)}, an override must give the values of {@link #derivative}.
     * Modified: d.
     */
    default void scaleByDerivative(float[] z, float[] a, float[] d, int from, int to) {
        for (int i = from; i < to; i++) {
            d[i] *= derivative(z[i], a[i]);
        }
    }
}
