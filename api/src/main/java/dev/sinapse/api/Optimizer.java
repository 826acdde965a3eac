package dev.sinapse.api;

import java.util.List;

/**
 * Updates parameters from their gradients. The same list, in the same order, is passed at every step, so
 * per-parameter state (moments, velocities) is kept by index; {@link #state()} names it for checkpoints.
 */
public interface Optimizer extends Stateful {
    /** One update. Modified: the values of {@code params}. */
    void step(List<Param> params, double learningRate);
}
