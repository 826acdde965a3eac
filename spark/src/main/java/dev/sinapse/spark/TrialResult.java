package dev.sinapse.spark;

import dev.sinapse.api.SinapseException;
import dev.sinapse.io.files.AtomicFiles;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Serializable;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What one trial gave at one number of epochs: the end-of-training metrics (the dev and training sets evaluated as
 * {@code train} does when it finishes), its steps and training seconds, or why it failed. Saved in the trial's run
 * directory as {@code result-<epochs>.properties}, whole or not at all, and written last: its presence means the
 * trial reached those epochs, so a rerun skips it. {@code resumedFrom} is the step of the last.ckpt this task went on from
 * (after an earlier task died, or from the previous rung), -1 when it trained from the start.
 */
public record TrialResult(String id, int epochs, String status, double devAccuracy, double devLoss, double trainAccuracy,
        double trainLoss, long steps, double seconds, long resumedFrom, String kernel, String error, SweepPlan.Objective objective)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DONE = "done";
    public static final String FAILED = "failed";

    static TrialResult failed(String id, int epochs, String error, double seconds, SweepPlan.Objective objective) {
        return new TrialResult(id, epochs, FAILED, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, seconds, -1, "", error, objective);
    }

    public boolean done() {
        return status.equals(DONE);
    }

    /** The objective's metric; NaN for a failed trial. */
    public double metric() {
        return switch (objective.metric()) {
            case "dev_loss" -> devLoss;
            case "train_accuracy" -> trainAccuracy;
            case "train_loss" -> trainLoss;
            default -> devAccuracy;
        };
    }

    static Path file(Path trialDir, int epochs) {
        return trialDir.resolve("result-" + epochs + ".properties");
    }

    static void write(Path trialDir, TrialResult r) {
        Properties p = new Properties();
        p.setProperty("id", r.id);
        p.setProperty("epochs", Integer.toString(r.epochs));
        p.setProperty("status", r.status);
        // Double.toString reads back to the same double: the CSV and a rerun see the metric bit for bit
        p.setProperty("dev_accuracy", Double.toString(r.devAccuracy));
        p.setProperty("dev_loss", Double.toString(r.devLoss));
        p.setProperty("train_accuracy", Double.toString(r.trainAccuracy));
        p.setProperty("train_loss", Double.toString(r.trainLoss));
        p.setProperty("steps", Long.toString(r.steps));
        p.setProperty("seconds", Double.toString(r.seconds));
        p.setProperty("resumed_from", Long.toString(r.resumedFrom));
        p.setProperty("kernel", r.kernel);
        p.setProperty("error", r.error);
        Path f = file(trialDir, r.epochs);
        AtomicFiles.write(f, f.toString(), out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            p.store(w, null);
            w.flush();
        });
    }

    /** The result saved for {@code epochs}, or null when the trial has not reached them (or failed then: it runs again). */
    static TrialResult read(Path trialDir, int epochs, SweepPlan.Objective objective) {
        Path f = file(trialDir, epochs);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(in);
            TrialResult r = new TrialResult(p.getProperty("id"), Integer.parseInt(p.getProperty("epochs")), p.getProperty("status"),
                    Double.parseDouble(p.getProperty("dev_accuracy")), Double.parseDouble(p.getProperty("dev_loss")),
                    Double.parseDouble(p.getProperty("train_accuracy")), Double.parseDouble(p.getProperty("train_loss")),
                    Long.parseLong(p.getProperty("steps")), Double.parseDouble(p.getProperty("seconds")),
                    Long.parseLong(p.getProperty("resumed_from", "-1")), p.getProperty("kernel", ""), p.getProperty("error", ""), objective);
            return r.done() ? r : null;
        } catch (IOException | RuntimeException e) {
            throw new SinapseException(f + ": unreadable trial result (" + e.getMessage() + "); delete it to run the trial again");
        }
    }
}
