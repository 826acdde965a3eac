package dev.sinapse.api;

import java.util.List;

/**
 * Updates parameters from their gradients. The same list, in the same order, is passed at every step, so
 * per-parameter state (moments, velocities) is kept by index; {@link #state()} names it for checkpoints.
 */
public interface Optimizer extends Stateful {
    /** One update. Modified: the values of {@code params}. */
    void step(List<Param> params, double learningRate);

    /**
     * One update whose element-wise work may run on {@code compute}'s threads. It must leave bitwise the same
     * values as {@link #step(List, double)}: an update where each element depends on its own gradient and state
     * alone gives that for any split. The default runs the plain step on the caller. Modified: the values.
     */
    default void step(List<Param> params, double learningRate, Compute compute) {
        step(params, learningRate);
    }

    /**
     * Checks a state just {@linkplain #restore restored} against the parameters it will update (their count and
     * shapes), as the next step would: a saved state that does not fit then fails where it is loaded, and the
     * caller can name the file. The default checks nothing; an optimizer with per-parameter state overrides it.
     * Not modified: the parameters, the state.
     */
    default void checkRestored(List<Param> params) {
    }
}
