package dev.sinapse.optimizers;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Param;
import java.util.List;

/**
 * An element-wise update cut into slices of at most {@value #SLICE} elements of one parameter, run as the tasks of
 * {@link Compute#forEach}. Each element's arithmetic is the same whatever slice it falls in, so any thread count
 * gives bitwise the same values. Adam's update of wide-dropout's 109,000 weights ran on one thread for a tenth of
 * a two-thread step at batch 64.
 */
final class ElementSlices {
    /**
     * Elements per task: wide-dropout's 109,000 weights are fourteen tasks, so a thread that finishes first takes
     * another rather than waiting; each is still ~10 µs of work, far more than a hand-off.
     */
    static final int SLICE = 1 << 13;

    /** What a slice does: elements [from, to) of parameter {@code param}. */
    interface Body {
        void run(int param, int from, int to);
    }

    private ElementSlices() {
    }

    /** Runs body over every element of every parameter, once, in slices on compute's threads. */
    static void forEach(List<Param> params, Compute compute, Body body) {
        int n = params.size();
        if (compute.threads() == 1) {
            for (int i = 0; i < n; i++) {
                body.run(i, 0, params.get(i).value().data().length);
            }
            return;
        }
        // the first slice of each parameter: start[i] .. start[i + 1] − 1
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) {
            int length = params.get(i).value().data().length;
            start[i + 1] = start[i] + (length + SLICE - 1) / SLICE;
        }
        compute.forEach(start[n], task -> {
            int i = 0;
            while (start[i + 1] <= task) {
                i++;
            }
            int length = params.get(i).value().data().length;
            int from = (task - start[i]) * SLICE;
            body.run(i, from, Math.min(length, from + SLICE));
        });
    }
}
