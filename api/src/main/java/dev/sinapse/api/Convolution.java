package dev.sinapse.api;

/**
 * The role of a 2-D convolution: F filters, each a channels × K × K window of weights, stored as the rows of W
 * (F × (C·K·K), channel by channel, each K × K row-major). Reports (the filters drawn as small images) recognise such
 * a layer by this interface, never by its config key.
 */
public interface Convolution extends Layer {
    /** W, filters × (channels·K·K); decays under weight decay. */
    Param weights();

    /** One filter's shape: {channels, K, K}. */
    int[] filterShape();
}
