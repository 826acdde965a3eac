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
}
