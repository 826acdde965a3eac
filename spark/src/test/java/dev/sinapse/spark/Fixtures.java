package dev.sinapse.spark;

import dev.sinapse.apps.cli.Main;
import dev.sinapse.io.config.Experiments;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * What the sweep tests share: a 400-digit slice of the bundled sample, a tiny experiment on it (2 epochs of 10 steps),
 * and one Spark context at a time, kept across test classes (a context takes seconds to start; Spark allows one per
 * JVM, so a test asking for another master stops the current one).
 */
final class Fixtures {
    static final String BASE = """
            name: "tiny"
            data { path: "digits.csv" label_column: "label" dev_rows: 100 shuffle_seed: 0 pixel_scale: 255 }
            network {
              input_size: 784
              layers { name: "hidden" type: "dense" options: [ { key: "units" value: "16" } ] }
              layers { name: "relu" type: "relu" }
              layers { name: "output" type: "dense" options: [ { key: "units" value: "10" } ] }
              layers { name: "softmax" type: "softmax" }
            }
            loss { type: "cross_entropy" }
            optimizer { type: "sgd" learning_rate: 0.1 }
            training { epochs: 2 batch_size: 32 seed: 0 log_every: 5 checkpoint_every_epochs: 1 }
            """;

    /** Six trials: three learning rates by two widths. */
    static final String GRID = """
            name: "tiny-grid"
            base_config: "tiny.textproto"
            parameters { path: "optimizer.learning_rate" values: ["0.05", "0.1", "0.2"] }
            parameters { path: "network.layers[hidden].options.units" values: ["8", "16"] }
            """;

    private static JavaSparkContext sc;
    private static String master;

    private Fixtures() {
    }

    /** A folder with digits.csv (400 rows), tiny.textproto and {@code sweep} as sweep.textproto; returns the sweep file. */
    static Path sweepFolder(Path dir, String sweep) {
        try {
            Files.createDirectories(dir);
            digits(dir.resolve("digits.csv"), 400);
            Files.writeString(dir.resolve("tiny.textproto"), BASE);
            return Files.writeString(dir.resolve("sweep.textproto"), sweep);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void digits(Path file, int rows) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Experiments.class.getResourceAsStream(Experiments.BUNDLED_DATA)), StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i <= rows; i++) {
                lines.add(in.readLine());
            }
            Files.write(file, lines, StandardCharsets.UTF_8);
        }
    }

    /** The one context, on {@code m} (e.g. local[2,2]: two cores, a failed task tried twice). */
    static synchronized JavaSparkContext spark(String m) {
        if (sc != null && !m.equals(master)) {
            sc.stop();
            sc = null;
        }
        if (sc == null) {
            sc = new JavaSparkContext(SweepMain.conf(m, 1, 1, "sinapse tests").setMaster(m));
            master = m;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                synchronized (Fixtures.class) {
                    if (sc != null) {
                        sc.stop();
                    }
                }
            }));
        }
        return sc;
    }

    /** Runs a sweep; returns what it printed. */
    static String sweep(Path sweepFile, Path out, String m) {
        StringWriter console = new StringWriter();
        SweepRunner.run(SweepPlan.of(SweepPlan.read(sweepFile), sweepFile), out, spark(m), new PrintWriter(console, true));
        return console.toString();
    }

    /** trials.csv as maps from column to cell, in file order (best first). */
    static List<Map<String, String>> csv(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String[] header = lines.get(0).split(",", -1);
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i], cells[i]);
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** trials.csv rows by trial id. */
    static Map<String, Map<String, String>> byId(Path file) {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        csv(file).forEach(r -> m.put(r.get("id"), r));
        return m;
    }

    record Run(int code, String out, String err) {
    }

    /** The sinapse command line, in this JVM. */
    static Run sinapse(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** The last row of a run's metrics.csv, by column. */
    static Map<String, String> lastMetrics(Path runDir) {
        return csv(runDir.resolve("metrics.csv")).get(csv(runDir.resolve("metrics.csv")).size() - 1);
    }
}
