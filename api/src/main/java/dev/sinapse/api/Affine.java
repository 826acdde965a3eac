package dev.sinapse.api;

/**
 * The role of a layer that computes Z = X·Wᵀ + b, with W: outputSize × inputSize and b: 1 × outputSize. A fast
 * kernel recognises such a layer by this interface, never by its config key, and may do its arithmetic itself.
 */
public interface Affine extends Layer {
    /** W, outputSize × inputSize; decays under weight decay. */
    Param weights();

    /** b, 1 × outputSize; does not decay. */
    Param bias();
}
