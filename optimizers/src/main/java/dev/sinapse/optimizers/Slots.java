package dev.sinapse.optimizers;

import dev.sinapse.api.Matrix;
import dev.sinapse.api.Param;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.State;
import java.util.ArrayList;
import java.util.List;

/**
 * One tensor of optimizer state per parameter, kept by the parameter's index: Adam's m or v, a velocity, an
 * accumulator. Named "kind.i" in a checkpoint ("m.0", "velocity.3"). The tensors are made at the first step,
 * when the parameters' shapes are known; for the same reason a restored state is checked against the
 * parameters (count and shapes) at the next step, not in {@link #restoreFrom}.
 */
final class Slots {
    private final String kind;
    private final float initial;
    private List<Matrix> live;      // after the first step: one per parameter
    private List<Matrix> restored;  // saved tensors waiting for the next step to meet their parameters

    /** Slots that start at zero. */
    Slots(String kind) {
        this(kind, 0f);
    }

    Slots(String kind, float initial) {
        this.kind = kind;
        this.initial = initial;
    }

    /** Makes the slots at the first step, or checks restored ones against {@code params}. Call at every step. */
    void prepare(List<Param> params) {
        if (restored != null) {
            live = checked(restored, params);
            restored = null;
        } else if (live == null) {
            live = new ArrayList<>(params.size());
            for (Param p : params) {
                Matrix slot = new Matrix(p.value().rows(), p.value().cols());
                slot.fill(initial);
                live.add(slot);
            }
        } else if (live.size() != params.size()) {
            // The trainer's contract, not a user mistake: the same list is passed at every step.
            throw new IllegalStateException("optimizer got " + params.size() + " parameters, but "
                    + live.size() + " at its first step");
        }
    }

    /** The slot of parameter i, same length and order as its values. Modified by the optimizer's step. */
    float[] of(int i) {
        return live.get(i).data();
    }

    /** Adds "kind.i" for every slot (shared, not copied). Nothing before the first step. */
    void saveInto(State state) {
        List<Matrix> slots = restored != null ? restored : live;
        if (slots == null) {
            return;
        }
        for (int i = 0; i < slots.size(); i++) {
            state.put(name(i), slots.get(i));
        }
    }

    /**
     * Takes copies of "kind.0", "kind.1", … from {@code state}.
     *
     * @param t the restored step count; at 0 the optimizer had not stepped, so there are no slots to take
     */
    void restoreFrom(State state, long t) {
        live = null;
        restored = null;
        if (t == 0) {
            return;
        }
        List<Matrix> saved = new ArrayList<>();
        for (int i = 0; state.tensors().containsKey(name(i)); i++) {
            saved.add(state.tensors().get(name(i)).copy());
        }
        restored = saved;
    }

    /** Checks restored slots against {@code params} as the next step will; nothing when none wait. */
    void checkRestored(List<Param> params) {
        if (restored != null) {
            checked(restored, params);
        }
    }

    /** The step count "t" of a saved state, which every optimizer keeps. */
    static long savedT(State state) {
        long t = state.getLong("t");
        if (t < 0) {
            throw new SinapseException("saved optimizer step count 't' must be 0 or more, got " + t);
        }
        return t;
    }

    private List<Matrix> checked(List<Matrix> saved, List<Param> params) {
        if (saved.size() > params.size()) {
            throw new SinapseException("saved optimizer state has " + saved.size() + " '" + kind + "' tensors for "
                    + params.size() + " parameters; '" + name(params.size()) + "' has no parameter");
        }
        for (int i = 0; i < params.size(); i++) {
            Matrix value = params.get(i).value();
            if (i >= saved.size()) {
                throw new SinapseException("saved optimizer state has no tensor '" + name(i) + "' for parameter '"
                        + params.get(i).name() + "' (" + value.shape() + ")");
            }
            if (!saved.get(i).sameShape(value)) {
                throw new SinapseException("saved optimizer tensor '" + name(i) + "' is " + saved.get(i).shape()
                        + ", but parameter '" + params.get(i).name() + "' is " + value.shape());
            }
        }
        return saved;
    }

    private String name(int i) {
        return kind + "." + i;
    }
}
