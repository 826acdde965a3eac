package dev.sinapse.optimizers;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Param;
import java.util.List;

/**
 * An element-wise update cut into slices of {@value #SLICE} elements of the parameters taken as one run (a slice
 * may end one parameter and start the next), run as the tasks of {@link Compute#forEach}. Each element's arithmetic
 * is the same whatever slice it falls in, so any thread count gives bitwise the same values. Adam's update of
 * wide-dropout's 109,000 weights ran on one thread for a tenth of a two-thread step at batch 64.
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

    /**
     * Runs body over every element of every parameter, once, in slices on compute's threads. The parameters are
     * sliced as one run of elements, so the slices are equal and a bias of 10 is no task of its own: wide-dropout's
     * six parameters were 18 tasks (five of them biases and the 640 output weights), and each task of a call can
     * wake one more thread.
     */
    static void forEach(List<Param> params, Compute compute, Body body) {
        int n = params.size();
        if (compute.threads() == 1) {
            for (int i = 0; i < n; i++) {
                body.run(i, 0, params.get(i).value().data().length);
            }
            return;
        }
        // parameter i's elements are [start[i], start[i + 1]) of the run
        long[] start = new long[n + 1];
        for (int i = 0; i < n; i++) {
            start[i + 1] = start[i] + params.get(i).value().data().length;
        }
        int tasks = (int) ((start[n] + SLICE - 1) / SLICE);
        compute.forEach(tasks, task -> {
            long from = (long) task * SLICE, to = Math.min(start[n], from + SLICE);
            int i = 0;
            while (start[i + 1] <= from) {
                i++;
            }
            for (; i < n && start[i] < to; i++) {
                int a = (int) (Math.max(from, start[i]) - start[i]), b = (int) (Math.min(to, start[i + 1]) - start[i]);
                if (a < b) {
                    body.run(i, a, b);
                }
            }
        });
    }
}
