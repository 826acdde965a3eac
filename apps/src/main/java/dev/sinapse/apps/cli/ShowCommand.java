package dev.sinapse.apps.cli;

import dev.sinapse.api.Convolution;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.inference.TrainedModel;
import dev.sinapse.apps.report.Charts;
import dev.sinapse.apps.report.DigitArt;
import dev.sinapse.io.data.RowBatches;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code show --checkpoint CKPT --data FILE --index N [--png FILE]}: the tutorial's {@code test_prediction}: one
 * row's prediction, its label when the file has one, the most probable classes and the digit drawn with shade
 * characters. Reads the file a batch at a time up to the row.
 */
@Command(name = "show", description = "Show one digit of a CSV: the model's prediction, the label, and the picture;"
        + " or, with --filters, draw the first convolution's filters.")
public final class ShowCommand implements Callable<Integer> {
    private static final int TOP = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--data", paramLabel = "FILE", description = "A Kaggle-style CSV, labelled or not (test.csv); plain or .gz.")
    Path data;

    @Option(names = "--index", paramLabel = "N", description = "The row to show, counting from 0 (row 0 is the line after the header).")
    Long index;

    @Option(names = "--filters", paramLabel = "PNG", description = "Instead of a digit: draw the first conv2d layer's filters as a grid of small images (a row per filter, a column per input channel) into this PNG.")
    Path filters;

    @Option(names = "--png", paramLabel = "FILE", description = "Also write the digit, enlarged, with the prediction and label, as a PNG.")
    Path png;

    @Option(names = "--ascii", description = "Draw with ASCII characters instead of Unicode shades.")
    boolean ascii;

    @Override
    public Integer call() {
        if (filters != null) {
            if (data != null || index != null || png != null) {
                throw new SinapseException("--filters draws the model's filters; it takes no --data, --index or --png");
            }
            return drawFilters();
        }
        if (data == null || index == null) {
            throw new SinapseException("show needs --data FILE and --index N (or --filters PNG)");
        }
        if (index < 0) {
            throw new SinapseException("--index " + index + ": expected a row number from 0");
        }
        Outputs.notAnInput("--png", png, Outputs.input("--data", data), Outputs.input("--checkpoint", checkpoint.checkpoint));
        TrainedModel model = checkpoint.load();
        Dataset row = find(model);
        Matrix A = model.outputs(row);
        int predicted = A.argmaxRow(0);   // as predict and evaluate decide
        float[] p = model.probabilities(A).data();
        int label = row.hasLabels() ? model.labels(row, data, index)[0] : -1;
        int side = DigitArt.side(row.features());
        int[] pixels = new int[row.features()];
        for (int j = 0; j < pixels.length; j++) {
            pixels[j] = row.pixel(0, j);
        }

        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "row %d of %s, by %s%n", index, data, model.describe());
        out.printf(Locale.ROOT, "prediction: %d (probability %.4f)%n", predicted, p[predicted]);
        if (label >= 0) {
            out.printf(Locale.ROOT, "label:      %d (%s)%n", label, label == predicted ? "right" : "wrong");
        } else {
            out.printf(Locale.ROOT, "label:      none (%s has no '%s' column)%n", data, model.labelColumn());
        }
        StringBuilder top = new StringBuilder("top " + Math.min(TOP, p.length) + ":     ");
        for (int k : ranked(p, TOP)) {
            top.append(String.format(Locale.ROOT, "%d %.4f   ", k, p[k]));
        }
        out.println(top.toString().stripTrailing());
        if (side > 0) {
            boolean unicode = !ascii && DigitArt.unicodeByDefault();
            DigitArt.lines(pixels, side, unicode).forEach(out::println);
        } else {
            out.printf(Locale.ROOT, "(%d pixels do not form a square image: no picture)%n", pixels.length);
        }
        if (png != null) {
            if (side <= 0) {
                throw new SinapseException("--png: " + data + " has " + pixels.length + " pixels per row, not a square image");
            }
            String caption = String.format(Locale.ROOT, "row %d of %s · p = %.3f", index, EvaluateCommand.fileName(data), p[predicted]);
            Charts.digit(pixels, side, predicted, label, p, caption, png);
            out.println("picture: " + png);
        }
        out.flush();
        return 0;
    }

    /** {@code --filters}: the first convolution of the model, drawn. */
    private int drawFilters() {
        Outputs.notAnInput("--filters", filters, Outputs.input("--checkpoint", checkpoint.checkpoint));
        TrainedModel model = checkpoint.load();
        Convolution conv = model.network().layers().stream().filter(l -> l instanceof Convolution).map(l -> (Convolution) l)
                .findFirst().orElseThrow(() -> new SinapseException(model.file() + ": the network has no convolution layer;"
                        + " --filters draws the filters of the first one"));
        int[] shape = conv.filterShape();
        String caption = String.format(Locale.ROOT, "%s: %d filters of %dx%dx%d, white = most negative, black = most positive",
                conv.name(), conv.weights().value().rows(), shape[0], shape[1], shape[2]);
        Charts.filters(conv.weights().value(), shape[0], shape[1], caption, filters);
        PrintWriter out = spec.commandLine().getOut();
        out.println("filters of '" + conv.name() + "': " + filters);
        out.flush();
        return 0;
    }

    /** The requested row as a one-row dataset; reading on to the end only to say how many rows there are. */
    private Dataset find(TrainedModel model) {
        long seen = 0;
        if (model.isTable()) {
            throw new SinapseException(model.file() + " reads a table (data.format \"table\"); show draws digits: use"
                    + " predict or evaluate for this model");
        }
        try (RowBatches batches = model.open(data)) {
            for (Dataset b = batches.next(); b != null; b = batches.next()) {
                if (index < seen + b.size()) {
                    int i = (int) (index - seen);
                    return b.slice(i, i + 1);
                }
                seen += b.size();
            }
        }
        throw new SinapseException("--index " + index + ": " + data + " has " + seen + " rows (0.." + (seen - 1) + ")");
    }

    /** The {@code n} most probable classes, most probable first. */
    private static List<Integer> ranked(float[] p, int n) {
        List<Integer> ks = new ArrayList<>();
        for (int k = 0; k < p.length; k++) {
            ks.add(k);
        }
        ks.sort((a, b) -> Float.compare(p[b], p[a]));
        return ks.subList(0, Math.min(n, ks.size()));
    }
}
