package dev.sinapse.apps.cli;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.inference.TrainedModel;
import dev.sinapse.io.data.KaggleCsv;
import dev.sinapse.io.files.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 */
@Command(name = "predict", description = "Write a Kaggle submission (ImageId,Label) for a CSV of digits, labelled or not.")
public final class PredictCommand implements Callable<Integer> {
    static final String HEADER = "ImageId,Label";

    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Kaggle test.csv (pixel0,…) or a labelled file (its labels are ignored); plain or .gz.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write the submission CSV (e.g. submission.csv).")
    Path output;

    @Option(names = "--probabilities", description = "Add the ten class probabilities as columns p0..p9.")
    boolean probabilities;

    @Override
    public Integer call() {
        TrainedModel model = checkpoint.load();
        if (Files.exists(output) && isSameFile(input, output)) {
            throw new SinapseException("--output " + output + " is the input file; choose another name (e.g. submission.csv)");
        }
        long[] rows = new long[1];
        AtomicFiles.write(output, "--output " + output, o -> rows[0] = write(model, o));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "predicted %d rows of %s with %s; wrote %s%n", rows[0], input, model.describe(), output);
        out.flush();
        return 0;
    }

    /** Writes the header and a line per input row; returns the number of rows. */
    private long write(TrainedModel model, OutputStream o) throws IOException {
        long id = 0;
        try (KaggleCsv.Batches batches = model.open(input)) {
            Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8);
            w.write(HEADER);
            if (probabilities) {
                for (int k = 0; k < model.classes(); k++) {
                    w.write(",p" + k);
                }
            }
            w.write('\n');
            StringBuilder line = new StringBuilder();
            for (Dataset batch = batches.next(); batch != null; batch = batches.next()) {
                Matrix A = model.outputs(batch);
                Matrix P = probabilities ? model.probabilities(A) : null;
                for (int i = 0; i < batch.size(); i++) {
                    line.setLength(0);
                    line.append(++id).append(',').append(A.argmaxRow(i));
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

    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;   // the input is missing: reading it will say so
        }
    }
}
