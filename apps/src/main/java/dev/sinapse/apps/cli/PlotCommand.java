package dev.sinapse.apps.cli;

import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.report.Charts;
import dev.sinapse.apps.training.Metrics;
import dev.sinapse.apps.training.MetricsCsv;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plot --run DIR [--output FILE]}: the run's metrics.csv as curves.png (loss and accuracy against steps). */
@Command(name = "plot", description = "Draw a run's training curves (loss and accuracy, train and dev) from its metrics.csv as a PNG.")
public final class PlotCommand implements Callable<Integer> {
    static final String CURVES = "curves.png";

    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "A run directory (it holds metrics.csv), or the metrics.csv file itself.")
    Path run;

    @Option(names = "--output", paramLabel = "FILE", description = "Where to write the PNG (default: DIR/curves.png).")
    Path output;

    @Override
    public Integer call() {
        Path metrics = Files.isRegularFile(run) ? run : run.resolve("metrics.csv");
        if (!Files.exists(metrics)) {
            throw new SinapseException("--run " + run + ": " + (Files.isDirectory(run)
                    ? "no metrics.csv in this directory (train writes one into its run directory)" : "no such directory"));
        }
        Path dir = metrics.getParent() == null ? Path.of("") : metrics.getParent();
        Path target = output != null ? output : dir.resolve(CURVES);
        Outputs.notAnInput(output != null ? "--output" : "the default output", target, Outputs.input("--run", metrics));
        Path png = plot(metrics, target);
        PrintWriter out = spec.commandLine().getOut();
        out.println("curves: " + png);
        out.flush();
        return 0;
    }

    /**
     * What train prints at its end: "curves: PNG" after drawing them, or why there are none (a resumed run that
     * had already finished rewrites metrics.csv with only the recorded history, which may be empty).
     */
    static String afterTraining(Path metrics, Path png) {
        if (MetricsCsv.read(metrics).isEmpty()) {
            return "curves: none (" + metrics + " has no rows)";
        }
        return "curves: " + plot(metrics, png);
    }

    /** Draws {@code metrics} (a metrics.csv) into {@code png}; returns {@code png}. */
    static Path plot(Path metrics, Path png) {
        List<Metrics> history = MetricsCsv.read(metrics);
        if (history.isEmpty()) {
            throw new SinapseException(metrics + ": no rows yet (a row is written every training.log_every steps); nothing to plot");
        }
        Path dir = metrics.toAbsolutePath().getParent();
        String run = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        Charts.curves(history, "Training curves: " + run, png);
        return png;
    }
}
