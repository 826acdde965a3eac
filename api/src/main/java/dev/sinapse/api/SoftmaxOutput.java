package dev.sinapse.api;

/**
 * Marks a layer whose output rows are softmax(input rows). A loss that has a closed form through softmax
 * ({@link Loss#gradientThroughSoftmax}) then skips this layer's backward: (A − Y)/m never divides by A.
 */
public interface SoftmaxOutput extends Layer {
}
