package dev.sinapse.apps.cli;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Matrix;
import dev.sinapse.apps.inference.TrainedModel;
import dev.sinapse.io.data.RowBatches;
import dev.sinapse.io.files.AtomicFiles;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code predict --checkpoint CKPT --input FILE --output submission.csv [--probabilities]}: Kaggle's submission
 * format, {@code ImageId,Label} with ImageId counting from 1 in input order. Reads and writes a batch at a time.
 * The rows go to a temporary file next to the output, renamed over it only once every row is written
 * ({@link AtomicFiles}): a run that fails on line 20,000 leaves no half file and keeps an earlier submission.
 * {@code --output -} (or {@code /dev/stdout}) streams the rows to standard output and the summary line to standard
 * error; a pipe or a device is written to directly, as AtomicFiles describes.
 */
@Command(name = "predict", description = "Write a Kaggle submission (ImageId,Label) for a CSV of digits, labelled or not; for a table model, Id and the label column, with the class names training read.")
public final class PredictCommand implements Callable<Integer> {
    static final String HEADER = "ImageId,Label";
    /** The id column of a table model's predictions, counting rows from 1 in input order as ImageId does. */
    static final String TABLE_ID = "Id";
    /** The --output that means standard output. */
    static final String STDOUT = "-";

    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Kaggle test.csv (pixel0,…) or a labelled file (its labels are ignored); plain or .gz.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write the submission CSV (e.g. submission.csv), or - for standard output.")
    Path output;

    @Option(names = "--probabilities", description = "Add the ten class probabilities as columns p0..p9.")
    boolean probabilities;

    @Override
    public Integer call() throws IOException {
        Outputs.notAnInput("--output", output, Outputs.input("--input", input), Outputs.input("--checkpoint", checkpoint.checkpoint));
        TrainedModel model = checkpoint.load();
        long rows;
        PrintWriter out = spec.commandLine().getOut();
        if (output.toString().equals(STDOUT)) {
            rows = write(model, out);
        } else {
            long[] written = new long[1];
            AtomicFiles.write(output, "--output " + output, o -> {
                Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8);
                written[0] = write(model, w);
                w.flush();
            });
            rows = written[0];
        }
        // the CSV on standard output is for a program to read: the summary goes beside it
        PrintWriter summary = toStandardOutput(output) ? spec.commandLine().getErr() : out;
        summary.printf(Locale.ROOT, "predicted %d rows of %s with %s; wrote %s%n", rows,
                input.toString().equals("-") ? "standard input" : input, model.describe(),
                output.toString().equals(STDOUT) ? "standard output" : output);
        summary.flush();
        return 0;
    }

    /** "-", /dev/stdout or descriptor 1 by another name. */
    static boolean toStandardOutput(Path output) {
        String s = output.toString().equals(STDOUT) ? STDOUT : output.toAbsolutePath().normalize().toString();
        return s.equals(STDOUT) || s.equals("/dev/stdout") || s.equals("/dev/fd/1") || s.equals("/proc/self/fd/1");
    }

    /** Writes the header and a line per input row; returns the number of rows. */
    private long write(TrainedModel model, Writer w) throws IOException {
        long id = 0;
        try (RowBatches batches = model.open(input)) {
            // a table's rows are not images: "Id,<label column>", the class written as training read it
            w.write(model.isTable() ? TABLE_ID + "," + model.labelColumn() : HEADER);
            if (probabilities) {
                for (int k = 0; k < model.classes(); k++) {
                    w.write(",p" + (model.classNames().isEmpty() ? "" : "_") + model.className(k));
                }
            }
            w.write('\n');
            StringBuilder line = new StringBuilder();
            for (Dataset batch = batches.next(); batch != null; batch = batches.next()) {
                Matrix A = model.outputs(batch);
                Matrix P = probabilities ? model.probabilities(A) : null;
                for (int i = 0; i < batch.size(); i++) {
                    line.setLength(0);
                    line.append(++id).append(',').append(model.className(A.argmaxRow(i)));
                    if (P != null) {
                        for (int k = 0; k < P.cols(); k++) {
                            line.append(',').append(String.format(Locale.ROOT, "%.6f", P.get(i, k)));
                        }
                    }
                    w.write(line.append('\n').toString());
                }
            }
            w.flush();
        }
        return id;
    }
}
