package dev.sinapse.apps.training;

/** One logged point of a run: what metrics.csv and the checkpoint's history hold per row. */
public record Metrics(long step, long epoch, double loss, double trainAccuracy, double devLoss, double devAccuracy,
        double learningRate, double elapsedSeconds) {

    public static final String CSV_HEADER = "step,epoch,loss,train_accuracy,dev_loss,dev_accuracy,learning_rate,elapsed_seconds";

    public String csvRow() {
        return step + "," + epoch + "," + loss + "," + trainAccuracy + "," + devLoss + "," + devAccuracy + ","
                + learningRate + "," + String.format(java.util.Locale.ROOT, "%.3f", elapsedSeconds);
    }
}
