package dev.sinapse.api;

/** Fills a fresh weight tensor. fanIn/fanOut are the layer's input and output sizes. */
public interface Initializer {
    /** Modified: W. */
    void fill(Matrix W, int fanIn, int fanOut, Rng rng);
}
