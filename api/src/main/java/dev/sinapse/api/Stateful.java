package dev.sinapse.api;

/** Something with state beyond its parameters that a checkpoint must keep (moments, running statistics). */
public interface Stateful {
    /** A snapshot of the state; tensors may be shared with the live object, so save them before the next step. */
    default State state() {
        return new State();
    }

    /** Puts the state back, as {@link #state()} returned it. Throws {@link SinapseException} on a mismatch. */
    default void restore(State state) {
    }
}
