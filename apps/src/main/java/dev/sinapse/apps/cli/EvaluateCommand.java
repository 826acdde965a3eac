package dev.sinapse.apps.cli;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.inference.TrainedModel;
import dev.sinapse.apps.report.Charts;
import dev.sinapse.apps.report.ConfusionMatrix;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.config.Json;
import dev.sinapse.io.data.RowBatches;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.Experiment;
import java.io.PrintWriter;
import java.nio.file.Files;
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
 * {@code evaluate --checkpoint CKPT [--data FILE] [--split dev|train|all] [--json] [--png FILE]}: loss, accuracy, the
 * confusion matrix and per-class precision, recall and F1 of a trained model on a labelled file, read a batch at a
 * time, or on the dev or training rows of its own training data, split as training split them.
 */
@Command(name = "evaluate", description = "Loss, accuracy, confusion matrix and per-class precision/recall/F1 of a checkpoint on a labelled CSV, or on the dev or training split of its own training data.")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--data", paramLabel = "FILE", description = "A labelled Kaggle-style CSV (label,pixel0,…), plain or .gz; scored whole unless --split is given. Default: the checkpoint's own training data, with --split dev.")
    Path data;

    @Option(names = "--split", paramLabel = "dev|train|all", description = "Score the rows training used as its dev set, its training set, or all of them, split as training split them (data.dev_rows after the data.shuffle_seed shuffle). The data is the checkpoint's own file, or --data, and must be the same bytes (SHA-256) as when it trained. Default without --data: dev.")
    String split;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

    @Option(names = "--png", paramLabel = "FILE", description = "Also draw the confusion matrix as a heat map PNG.")
    Path png;

    static final List<String> SPLITS = List.of("dev", "train", "all");

    /** What evaluate measures: the mean loss over the rows and their confusion matrix. */
    record Result(double loss, ConfusionMatrix confusion) {
    }

    /**
     * The rows evaluate scored: a whole file (split null), or a split of the checkpoint's training data, with how it
     * was made (" of its 8000 rows (data.dev_rows 1000, shuffle_seed 0)").
     */
    record Rows(String source, String split, String how) {
    }

    @Override
    public Integer call() {
        Outputs.notAnInput("--png", png, Outputs.input("--data", data), Outputs.input("--checkpoint", checkpoint.checkpoint));
        String part = split != null ? split : data == null ? "dev" : null;
        if (part != null && !SPLITS.contains(part)) {
            throw new SinapseException("--split " + part + ": expected one of " + String.join(", ", SPLITS));
        }
        TrainedModel model = checkpoint.load();
        Result r;
        Rows rows;
        if (part == null) {
            r = evaluate(model, data);
            rows = new Rows(data.toString(), null, "");
        } else {
            Experiments.Data d = trainingData(model, data, part);
            Experiment e = model.checkpoint().getConfig();
            Experiments.Split s = Experiments.split(d.rows(), e.getData());
            Dataset scored = part.equals("dev") ? s.dev() : part.equals("train") ? s.train() : d.rows();
            r = evaluate(model, scored);
            rows = new Rows(d.rows().source(), part, String.format(Locale.ROOT, " of its %d rows (data.dev_rows %d, shuffle_seed %s)",
                    d.rows().size(), e.getData().getDevRows(), Long.toUnsignedString(e.getData().getShuffleSeed())));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(toJson(model, rows, r)));
        } else {
            printText(model, rows, r, out);
        }
        if (png != null) {
            Charts.confusion(r.confusion(), shortName(model.file()) + " on " + fileName(Path.of(rows.source()))
                    + (rows.split() == null ? "" : " (" + rows.split() + ")"), png);
            if (!json) {
                out.println("heat map: " + png);
            }
        }
        out.flush();
        return 0;
    }

    static Result evaluate(TrainedModel model, Path data) {
        Tally tally = new Tally(model);
        long row = 0;
        try (RowBatches batches = model.open(data)) {
            if (!batches.hasLabels()) {
                throw new SinapseException(data + " line 1: the header has no '" + model.labelColumn()
                        + "' column; evaluate needs labels (for an unlabelled file such as test.csv, use predict)");
            }
            for (Dataset batch = batches.next(); batch != null; batch = batches.next()) {
                int[] y = model.labels(batch, data, row);
                tally.add(batch, y);
                row += y.length;
            }
        }
        return tally.result();
    }

    /** The rows of a split, a batch at a time; their labels were checked against the model when it trained on them. */
    static Result evaluate(TrainedModel model, Dataset rows) {
        Tally tally = new Tally(model);
        for (int from = 0; from < rows.size(); from += TrainedModel.BATCH_ROWS) {
            Dataset batch = rows.slice(from, Math.min(rows.size(), from + TrainedModel.BATCH_ROWS));
            tally.add(batch, batch.labels(batch.naturalOrder(), 0, batch.size()));
        }
        return tally.result();
    }

    /** The loss summed over rows and the confusion matrix, batch by batch. */
    private static final class Tally {
        private final TrainedModel model;
        private final ConfusionMatrix cm;
        private double lossSum;
        private long rows;

        Tally(TrainedModel model) {
            this.model = model;
            this.cm = new ConfusionMatrix(model.classes());
        }

        void add(Dataset batch, int[] y) {
            Matrix A = model.outputs(batch);
            lossSum += model.loss().value(A, y) * y.length;
            for (int i = 0; i < y.length; i++) {
                cm.add(y[i], A.argmaxRow(i));
            }
            rows += y.length;
        }

        Result result() {
            return new Result(lossSum / rows, cm);
        }
    }

    /**
     * The data the checkpoint trained on: its own file (the bundled sample when its data.path is empty), or
     * {@code data}; refused unless its SHA-256 is the one the checkpoint recorded, since only the same bytes split
     * into the same rows.
     */
    static Experiments.Data trainingData(TrainedModel model, Path data, String part) {
        Checkpoint c = model.checkpoint();
        Experiment e = c.getConfig();
        if (data != null) {
            e = e.toBuilder().setData(e.getData().toBuilder().setPath(data.toAbsolutePath().normalize().toString())).build();
        } else if (!e.getData().getPath().isEmpty() && !Files.exists(Path.of(e.getData().getPath()))) {
            throw new SinapseException(e.getData().getPath() + ": file not found (the training data of " + model.file()
                    + "); if it moved, name it with --data FILE");
        }
        if (part.equals("dev") && e.getData().getDevRows() == 0) {
            throw new SinapseException("--split dev: " + model.file() + " was trained with data.dev_rows 0; it has no dev rows");
        }
        Experiments.Data d = Experiments.loadData(Experiments.fromCheckpoint(e, List.of(), model.file().toString()));
        String then = c.getProvenance().getDataSha256();
        if (!then.isEmpty() && !then.equals(d.sha256())) {
            throw new SinapseException(d.rows().source() + ": not the data " + model.file() + " was trained on (SHA-256 "
                    + then.substring(0, Math.min(12, then.length())) + "… then, " + d.sha256().substring(0, 12)
                    + "… now); its --split " + part + " would not be the rows training used");
        }
        return d;
    }

    private static void printText(TrainedModel model, Rows rows, Result r, PrintWriter out) {
        ConfusionMatrix cm = r.confusion();
        int K = cm.classes();
        out.printf(Locale.ROOT, "model     %s%n", model.describe());
        out.printf(Locale.ROOT, "data      %s%s: %d%s%n", rows.source(), rows.split() == null ? "" : ", " + rows.split() + " split",
                cm.total(), rows.split() == null ? " rows" : rows.how());
        out.printf(Locale.ROOT, "loss      %.6f (%s)%n", r.loss(), model.checkpoint().getConfig().getLoss().getType());
        out.printf(Locale.ROOT, "accuracy  %.4f (%d of %d right)%n", cm.accuracy(), cm.correct(), cm.total());
        if (!model.classNames().isEmpty()) {
            List<String> legend = new ArrayList<>();
            for (int k = 0; k < K; k++) {
                legend.add(k + " = " + model.className(k));
            }
            out.println("classes   " + String.join(", ", legend));
        }
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

    static Map<String, Object> toJson(TrainedModel model, Rows rows, Result r) {
        ConfusionMatrix cm = r.confusion();
        List<Object> matrix = new ArrayList<>();
        List<Object> classes = new ArrayList<>();
        for (int t = 0; t < cm.classes(); t++) {
            List<Object> row = new ArrayList<>();
            for (int p = 0; p < cm.classes(); p++) {
                row.add(cm.count(t, p));
            }
            matrix.add(row);
            Map<String, Object> c = Json.object("class", t, "precision", cm.precision(t), "recall", cm.recall(t), "f1", cm.f1(t),
                    "support", cm.support(t));
            if (!model.classNames().isEmpty()) {
                c.put("name", model.className(t));
            }
            classes.add(c);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("checkpoint", model.file().toString());
        json.put("step", model.checkpoint().getPosition().getStep());
        json.put("data", rows.source());
        json.put("split", rows.split());   // null: the whole file
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
