package dev.sinapse.apps.training;

import java.util.Locale;

/**
 * One point of a run's curve: what a metrics.csv row and a checkpoint's history entry hold. The trainer makes one
 * every training.log_every steps, at every evaluation (training.eval_every) and at the last step.
 *
 * @param step optimizer steps done
 * @param epoch the epoch the step belongs to, counted from 1 ({@link Trainer#epochOf})
 * @param loss the mean training loss over the steps since the previous point
 * @param trainAccuracy the training accuracy over the same steps
 * @param devLoss the dev loss, NaN when the dev set was not evaluated at this step
 * @param devAccuracy the dev accuracy, NaN likewise
 * @param learningRate the rate of the step that ended here
 * @param elapsedSeconds training time so far
 * @param atEnd what of the point exists only because the run ended at its step
 */
public record Metrics(long step, long epoch, double loss, double trainAccuracy, double devLoss, double devAccuracy,
        double learningRate, double elapsedSeconds, AtEnd atEnd) {

    public static final String CSV_HEADER = "step,epoch,loss,train_accuracy,dev_loss,dev_accuracy,learning_rate,elapsed_seconds";

    /**
     * Made because the run ended at this step, off the cadences: a run resumed with more epochs takes it back, so
     * that its history is the one of the same run trained straight through.
     */
    public enum AtEnd {
        /** A point on the cadences. */
        NO,
        /** A log point whose dev values come from the evaluation made because the run ended here. */
        EVALUATION,
        /** The whole point. */
        POINT
    }

    /** A point on the cadences. */
    public Metrics(long step, long epoch, double loss, double trainAccuracy, double devLoss, double devAccuracy,
            double learningRate, double elapsedSeconds) {
        this(step, epoch, loss, trainAccuracy, devLoss, devAccuracy, learningRate, elapsedSeconds, AtEnd.NO);
    }

    /** Whether the dev set was evaluated at this step. */
    public boolean evaluated() {
        return !Double.isNaN(devAccuracy);
    }

    /** The same point without its dev values, on the cadence. */
    Metrics withoutEvaluation() {
        return new Metrics(step, epoch, loss, trainAccuracy, Double.NaN, Double.NaN, learningRate, elapsedSeconds, AtEnd.NO);
    }

    /** A metrics.csv row; the dev cells are empty when the dev set was not evaluated (or there is none). */
    public String csvRow() {
        return step + "," + epoch + "," + loss + "," + trainAccuracy + "," + cell(devLoss) + "," + cell(devAccuracy) + ","
                + learningRate + "," + String.format(Locale.ROOT, "%.3f", elapsedSeconds);
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }
}
