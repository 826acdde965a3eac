package dev.sinapse.apps.training;

import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import java.util.List;

/**
 * Everything a run must save, besides the model and the optimizer's slots, to continue bit-exactly: where it is,
 * the random streams, the running sums of the next point, the best evaluation and early stopping, the time
 * spent, and which kernel's rounding it follows. {@link Trainer#state()} gives it and {@link Trainer#restore}
 * takes it; {@link Checkpoints} maps it to and from the checkpoint message. A value: nobody reaches into the
 * trainer's fields.
 *
 * @param epoch completed epochs
 * @param step optimizer steps done
 * @param batchInEpoch batches done in the current epoch, 0 at an epoch boundary
 * @param epochOrder the current epoch's row order when stopped mid-epoch, else null
 * @param shuffleRng the state of the generator that shuffles each epoch
 * @param dropoutRng the state of the generator of dropout masks
 * @param history every point made so far (log points, evaluations, and the end of a finished run)
 * @param best the best dev accuracy so far and its step, or null before the first evaluation
 * @param evaluationsWithoutImprovement evaluations since the best, for early stopping's patience
 * @param bestParams the best weights, kept only when early stopping restores them, else null
 * @param pending the sums since the last point on a cadence, so the next point averages the same steps
 * @param finished whether the run has ended
 * @param stoppedEarly whether it ended by early stopping
 * @param elapsedSeconds training time before this process
 * @param kernel the name of the batch kernel the run trains with
 */
public record TrainingState(long epoch, long step, int batchInEpoch, int[] epochOrder, long shuffleRng, long dropoutRng,
        List<Metrics> history, Best best, int evaluationsWithoutImprovement, List<Matrix> bestParams, Pending pending,
        boolean finished, boolean stoppedEarly, double elapsedSeconds, String kernel) {

    public TrainingState {
        history = List.copyOf(history);
        bestParams = bestParams == null ? null : List.copyOf(bestParams);
    }

    /** The same state, continued on another kernel (train --resume --kernel). */
    public TrainingState withKernel(String name) {
        return new TrainingState(epoch, step, batchInEpoch, epochOrder, shuffleRng, dropoutRng, history, best,
                evaluationsWithoutImprovement, bestParams, pending, finished, stoppedEarly, elapsedSeconds, name);
    }

    /** The best dev accuracy and the step it was reached at. */
    public record Best(double devAccuracy, long step) {
    }

    /** Loss summed over rows, rows classified right, and rows, since the last point on a cadence. */
    public record Pending(double lossSum, long correct, long rows) {
        public static final Pending NONE = new Pending(0, 0, 0);
    }
}
