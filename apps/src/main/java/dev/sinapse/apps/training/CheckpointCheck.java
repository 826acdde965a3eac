package dev.sinapse.apps.training;

import dev.sinapse.api.Registries;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.inference.Models;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.EndOfRun;
import dev.sinapse.io.proto.MetricRecord;
import dev.sinapse.io.proto.NamedState;
import dev.sinapse.io.proto.Tensor;
import dev.sinapse.io.proto.TrainerState;
import dev.sinapse.io.proto.TrainingPosition;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Map;

/**
 * What every command that loads a checkpoint checks first, from the file alone, before it builds or allocates
 * anything: the stored config is one train would accept; every tensor holds as many values as its shape says, and
 * only finite ones; the sizes the config declares match the stored weights; the training position is one a run can
 * reach. train --resume, evaluate, predict, show and inspect all call {@link #check}; a resume checks the position
 * again against the data it has read ({@link Checkpoints#restore}). The envelope (magic, length, checksum) is
 * {@link dev.sinapse.io.checkpoint.CheckpointFile}'s. A failure is one {@link SinapseException} naming the file
 * and the field.
 */
public final class CheckpointCheck {
    private CheckpointCheck() {
    }

    /** Everything below, the position against the training rows the provenance records. */
    public static void check(Checkpoint c, Path file, Registries registries) {
        config(c, file);
        tensors(c, file);
        Models.checkSizes(c.getConfig(), c.getParamsList(), file, registries);
        position(c, file, c.getProvenance().getTrainRows());
    }

    /** The stored config, its defaults filled, passes the checks a config file passes (a pixel_scale of 0, say). */
    private static void config(Checkpoint c, Path file) {
        try {
            ConfigFiles.validate(ConfigFiles.withDefaults(c.getConfig()));
        } catch (SinapseException e) {
            throw new SinapseException(file + ": stored config: " + e.getMessage());
        }
    }

    /** Shapes against values and finite values, for every tensor of the file: weights, layer and optimizer state. */
    private static void tensors(Checkpoint c, Path file) {
        for (Tensor x : c.getParamsList()) {
            tensor(x, file, "tensor");
        }
        for (NamedState s : c.getLayerStatesList()) {
            state(s, file, "state of layer '" + printable(s.getOwner()) + "'");
        }
        state(c.getOptimizer().getState(), file, "optimizer state");
        state(c.getEarlyStopping(), file, "early-stopping state");
        for (Tensor x : c.getTrainer().getBestParamsList()) {
            tensor(x, file, "best weights");
        }
    }

    private static void state(NamedState s, Path file, String what) {
        for (Tensor x : s.getTensorsList()) {
            tensor(x, file, what + ": tensor");
        }
        for (Map.Entry<String, Double> d : s.getDoublesMap().entrySet()) {
            if (!Double.isFinite(d.getValue())) {
                throw new SinapseException(file + ": " + what + ": number '" + printable(d.getKey()) + "' is " + d.getValue());
            }
        }
    }

    private static void tensor(Tensor x, Path file, String what) {
        long rows = Integer.toUnsignedLong(x.getRows()), cols = Integer.toUnsignedLong(x.getCols());
        String name = what + " '" + printable(x.getName()) + "'";
        if (x.getValuesCount() != rows * cols) {
            throw new SinapseException(file + ": " + name + " has " + x.getValuesCount() + " values, expected " + rows + "x"
                    + cols + " = " + rows * cols);
        }
        for (int i = 0; i < x.getValuesCount(); i++) {
            float v = x.getValues(i);
            if (!Float.isFinite(v)) {
                throw new SinapseException(file + ": " + name + " holds " + v + " (row " + i / cols + ", column " + i % cols
                        + "); a usable model has only finite numbers");
            }
        }
    }

    /**
     * The training position against {@code trainRows} training rows (0 when unknown: then only what holds for any
     * data): the counters, the epoch order of a run stopped mid-epoch, the history, the best evaluation and the
     * sums of the next log point, each a value a run of this config can reach.
     */
    public static void position(Checkpoint c, Path file, long trainRows) {
        TrainingPosition p = c.getPosition();
        String where = file.toString();
        int batchSize = c.getConfig().getTraining().getBatchSize();
        positionFits(p.getEpoch(), p.getStep(), p.getBatchInEpoch(), trainRows, batchSize, where);
        if (p.getBatchInEpoch() > 0) {
            epochOrder(c, where, trainRows);
        }
        TrainerState ts = Checkpoints.trainer(c, file);
        if (ts.getStoppedEarly() && !p.getFinished()) {
            throw new SinapseException(where + ": trainer.stopped_early is set, but position.finished is not");
        }
        long lastLogged = 0;
        long lastReset = 0;   // the last point that restarted the sums: every point but one made only because the run ended
        for (int i = 0; i < c.getHistoryCount(); i++) {
            MetricRecord m = c.getHistory(i);
            // a point's epoch is the one its step belongs to, counted from 1 (files before that counted epochs done)
            if (m.getStep() <= lastLogged || m.getStep() > p.getStep() || m.getEpoch() < 0 || m.getEpoch() > p.getEpoch() + 1) {
                throw new SinapseException(where + ": history[" + i + "] is at step " + m.getStep() + ", epoch " + m.getEpoch()
                        + "; expected steps after " + lastLogged + " up to position.step " + p.getStep() + ", epochs 0.."
                        + (p.getEpoch() + 1));
            }
            lastLogged = m.getStep();
            if (m.getEndOfRun() != EndOfRun.POINT_AT_END) {
                lastReset = m.getStep();
            }
        }
        if (c.hasBest() && (c.getBest().getStep() < 1 || c.getBest().getStep() > p.getStep())) {
            throw new SinapseException(where + ": best.step is " + c.getBest().getStep() + ", expected 1..position.step "
                    + p.getStep());
        }
        if (ts.getEvaluationsWithoutImprovement() < 0 || ts.getEvaluationsWithoutImprovement() > c.getHistoryCount()) {
            throw new SinapseException(where + ": trainer.evaluations_without_improvement is "
                    + ts.getEvaluationsWithoutImprovement() + ", expected 0.." + c.getHistoryCount() + " (the history's points)");
        }
        long rowsSinceLog = trainRows <= 0 ? Long.MAX_VALUE : batchRows(trainRows, batchSize) * (p.getStep() - lastReset);
        if (ts.getPendingRows() < 0 || ts.getPendingRows() > rowsSinceLog || ts.getPendingCorrect() < 0
                || ts.getPendingCorrect() > ts.getPendingRows() || !Double.isFinite(ts.getPendingLossSum())) {
            throw new SinapseException(where + ": trainer's sums since the last log point (" + ts.getPendingRows() + " rows, "
                    + ts.getPendingCorrect() + " right, loss " + ts.getPendingLossSum() + ") are not ones "
                    + (p.getStep() - lastReset) + " steps give");
        }
        if (!(ts.getElapsedSeconds() >= 0) || Double.isInfinite(ts.getElapsedSeconds())) {
            throw new SinapseException(where + ": trainer.elapsed_seconds is " + ts.getElapsedSeconds() + ", expected a time >= 0");
        }
    }

    /**
     * The counters of a position: none negative; with {@code trainRows} known (above 0), fewer batches done in the
     * epoch than it has, and as many steps as the epochs and batches done make. A resume that trusted a
     * batch_in_epoch past the epoch's end would never finish the epoch.
     */
    public static void positionFits(long epoch, long step, long batchInEpoch, long trainRows, int batchSize, String where) {
        nonNegative(epoch, "position.epoch", where);
        nonNegative(step, "position.step", where);
        nonNegative(batchInEpoch, "position.batch_in_epoch", where);
        if (trainRows <= 0) {
            return;
        }
        long B = batchRows(trainRows, batchSize), P = (trainRows + B - 1) / B;
        if (batchInEpoch >= P) {
            throw new SinapseException(where + ": position.batch_in_epoch is " + batchInEpoch + ", but an epoch of " + trainRows
                    + " training rows in batches of " + B + " has " + batches(P));
        }
        long steps;
        try {
            steps = Math.addExact(Math.multiplyExact(epoch, P), batchInEpoch);
        } catch (ArithmeticException tooMany) {
            steps = -1;
        }
        if (step != steps) {
            throw new SinapseException(where + ": position.step is " + step + ", but epoch " + epoch + " and batch_in_epoch "
                    + batchInEpoch + " make " + (steps < 0 ? "more than " + Long.MAX_VALUE : Long.toString(steps)) + " steps ("
                    + batches(P) + " an epoch)");
        }
    }

    private static String batches(long n) {
        return n + (n == 1 ? " batch" : " batches");
    }

    /** Rows in a full batch: training.batch_size, or every training row for 0 (full batch). */
    private static long batchRows(long trainRows, int batchSize) {
        return batchSize <= 0 ? trainRows : Math.min(batchSize, trainRows);
    }

    /** A run stopped mid-epoch saved that epoch's row order: a permutation of the training rows. */
    private static void epochOrder(Checkpoint c, String where, long trainRows) {
        int n = c.getEpochOrderCount();
        if (n == 0 || trainRows > 0 && n != trainRows) {
            throw new SinapseException(where + ": epoch_order has " + n + " rows, expected " + (trainRows > 0 ? "the " + trainRows
                    + " training rows" : "the training rows") + " (position.batch_in_epoch is " + c.getPosition().getBatchInEpoch() + ")");
        }
        BitSet seen = new BitSet(n);
        for (int i = 0; i < n; i++) {
            int v = c.getEpochOrder(i);
            if (v < 0 || v >= n || seen.get(v)) {
                throw new SinapseException(where + ": epoch_order[" + i + "] is " + v + (v >= 0 && v < n ? ", a row already listed"
                        : ", outside 0.." + (n - 1)) + "; expected each training row once");
            }
            seen.set(v);
        }
    }

    private static void nonNegative(long value, String field, String where) {
        if (value < 0) {
            throw new SinapseException(where + ": " + field + " is " + value + ", expected 0 or more");
        }
    }

    /** Names come from the file, which may be hostile; a message stays on one line whatever they hold. */
    private static String printable(String name) {
        return name.replaceAll("\\p{Cntrl}", "?");
    }
}
