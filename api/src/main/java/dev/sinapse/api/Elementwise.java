package dev.sinapse.api;

/**
 * The role of a layer that applies one {@link Activation} to every element: A = f(Z), dZ = dA ⊙ f'(Z), with
 * no parameters. A fast kernel may apply {@link #activation()} inside its own loops.
 */
public interface Elementwise extends Layer {
    Activation activation();
}
