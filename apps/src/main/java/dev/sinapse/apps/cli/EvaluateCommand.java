package dev.sinapse.apps.cli;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.inference.TrainedModel;
import dev.sinapse.apps.report.Charts;
import dev.sinapse.apps.report.ConfusionMatrix;
import dev.sinapse.io.config.Json;
import dev.sinapse.io.data.KaggleCsv;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code evaluate --checkpoint CKPT --data FILE [--json] [--png FILE]}: loss, accuracy, the confusion matrix and
 * per-class precision, recall and F1 of a trained model on a labelled file, read a batch at a time.
 */
@Command(name = "evaluate", description = "Loss, accuracy, confusion matrix and per-class precision/recall/F1 of a checkpoint on a labelled CSV.")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "A labelled Kaggle-style CSV (label,pixel0,…), plain or .gz.")
    Path data;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

    @Option(names = "--png", paramLabel = "FILE", description = "Also draw the confusion matrix as a heat map PNG.")
    Path png;

    /** What evaluate measures: the mean loss over the rows and their confusion matrix. */
    record Result(double loss, ConfusionMatrix confusion) {
    }

    @Override
    public Integer call() {
        TrainedModel model = checkpoint.load();
        Result r = evaluate(model, data);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(toJson(model, data, r)));
        } else {
            printText(model, r, out);
        }
        if (png != null) {
            Charts.confusion(r.confusion(), shortName(model.file()) + " on " + fileName(data), png);
            if (!json) {
                out.println("heat map: " + png);
            }
        }
        out.flush();
        return 0;
    }

    static Result evaluate(TrainedModel model, Path data) {
        ConfusionMatrix cm = new ConfusionMatrix(model.classes());
        double lossSum = 0;
        long row = 0;
        try (KaggleCsv.Batches batches = model.open(data)) {
            if (!batches.hasLabels()) {
                throw new SinapseException(data + " line 1: the header has no '" + model.labelColumn()
                        + "' column; evaluate needs labels (for an unlabelled file such as test.csv, use predict)");
            }
            for (Dataset batch = batches.next(); batch != null; batch = batches.next()) {
                int[] y = model.labels(batch, data, row);
                Matrix A = model.outputs(batch);
                lossSum += model.loss().value(A, y) * y.length;
                for (int i = 0; i < y.length; i++) {
                    cm.add(y[i], A.argmaxRow(i));
                }
                row += y.length;
            }
        }
        return new Result(lossSum / row, cm);
    }

    private void printText(TrainedModel model, Result r, PrintWriter out) {
        ConfusionMatrix cm = r.confusion();
        int K = cm.classes();
        out.printf(Locale.ROOT, "model     %s%n", model.describe());
        out.printf(Locale.ROOT, "data      %s: %d rows%n", data, cm.total());
        out.printf(Locale.ROOT, "loss      %.6f (%s)%n", r.loss(), model.checkpoint().getConfig().getLoss().getType());
        out.printf(Locale.ROOT, "accuracy  %.4f (%d of %d right)%n", cm.accuracy(), cm.correct(), cm.total());
        out.println();

        int w = Math.max(5, Long.toString(cm.total()).length() + 1);
        String cell = "%" + w + "d";
        out.println("confusion matrix: a row per true label, a column per prediction");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%10s", "true\\pred"));
        for (int p = 0; p < K; p++) {
            head.append(String.format(Locale.ROOT, "%" + w + "d", p));
        }
        head.append(String.format(Locale.ROOT, "  |%" + (w + 1) + "s", "total"));
        out.println(head);
        for (int t = 0; t < K; t++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%10d", t));
            for (int p = 0; p < K; p++) {
                line.append(String.format(Locale.ROOT, cell, cm.count(t, p)));
            }
            line.append(String.format(Locale.ROOT, "  | " + cell, cm.support(t)));
            out.println(line);
        }
        StringBuilder totals = new StringBuilder(String.format(Locale.ROOT, "%10s", "total"));
        for (int p = 0; p < K; p++) {
            totals.append(String.format(Locale.ROOT, cell, cm.predicted(p)));
        }
        totals.append(String.format(Locale.ROOT, "  | " + cell, cm.total()));
        out.println(totals);
        out.println();

        out.printf(Locale.ROOT, "%5s  %9s  %9s  %9s  %9s%n", "class", "precision", "recall", "f1", "support");
        for (int k = 0; k < K; k++) {
            out.printf(Locale.ROOT, "%5d  %9.4f  %9.4f  %9.4f  %9d%n", k, cm.precision(k), cm.recall(k), cm.f1(k), cm.support(k));
        }
        out.printf(Locale.ROOT, "%5s  %9.4f  %9.4f  %9.4f  %9d%n", "macro", cm.macroPrecision(), cm.macroRecall(), cm.macroF1(), cm.total());
    }

    static Map<String, Object> toJson(TrainedModel model, Path data, Result r) {
        ConfusionMatrix cm = r.confusion();
        List<Object> matrix = new ArrayList<>();
        List<Object> classes = new ArrayList<>();
        for (int t = 0; t < cm.classes(); t++) {
            List<Object> row = new ArrayList<>();
            for (int p = 0; p < cm.classes(); p++) {
                row.add(cm.count(t, p));
            }
            matrix.add(row);
            classes.add(Json.object("class", t, "precision", cm.precision(t), "recall", cm.recall(t), "f1", cm.f1(t),
                    "support", cm.support(t)));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("checkpoint", model.file().toString());
        json.put("step", model.checkpoint().getPosition().getStep());
        json.put("data", data.toString());
        json.put("rows", cm.total());
        json.put("loss", r.loss());
        json.put("loss_type", model.checkpoint().getConfig().getLoss().getType());
        json.put("accuracy", cm.accuracy());
        json.put("correct", cm.correct());
        json.put("confusion_matrix", matrix);
        json.put("classes", classes);
        json.put("macro", Json.object("precision", cm.macroPrecision(), "recall", cm.macroRecall(), "f1", cm.macroF1()));
        return json;
    }

    /** "run1/last.ckpt": the file and its directory, which tells runs apart. */
    static String shortName(Path p) {
        Path a = p.toAbsolutePath().normalize();
        return a.getNameCount() >= 2 ? a.subpath(a.getNameCount() - 2, a.getNameCount()).toString() : p.toString();
    }

    static String fileName(Path p) {
        Path f = p.getFileName();
        return f == null ? p.toString() : f.toString();
    }

}
