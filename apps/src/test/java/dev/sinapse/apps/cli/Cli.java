package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.apps.Injection;
import dev.sinapse.apps.cli.Main;
import dev.sinapse.apps.training.Trainer;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.proto.Checkpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Runs the real command-line entry point in this JVM and captures what it prints. */
final class Cli {
    record Result(int code, String out, String err) {
    }

    private Cli() {
    }

    /** A fresh trainer for a loaded experiment on {@code threads} threads, built as the command line builds one. */
    static Trainer trainer(Experiments.Loaded loaded, int threads) {
        Experiments.Split split = Experiments.split(Experiments.loadData(loaded).rows(), loaded.experiment().getData());
        return Trainer.create(loaded.experiment(), Injection.registries(), split, Injection.kernels(), threads);
    }

    /** Copies of every parameter's values, in the network's order. */
    static List<float[]> values(Trainer t) {
        return t.network().params().stream().map(p -> p.value().data().clone()).toList();
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * The command that starts a child JVM like this one: same java, same class path, and the Vector API module only
     * if this JVM has it (no relaunch with it otherwise), so the child trains with the same batch kernel as runs made
     * in this process.
     */
    static java.util.List<String> childJava(String... jvmOptions) {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            cmd.addAll(java.util.List.of("--add-modules", "jdk.incubator.vector"));
        } else {
            cmd.add("-D" + VectorLauncher.PROPERTY + "=off");
        }
        cmd.addAll(java.util.List.of(jvmOptions));
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return cmd;
    }

    /** The command a user types: java with this class path and nothing else, so train and bench relaunch themselves. */
    static java.util.List<String> plainJava() {
        return new java.util.ArrayList<>(java.util.List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    }

    /** The header and the first {@code rows} digits of the bundled sample, as a plain CSV in {@code dir}. */
    static Path smallCsv(Path dir, int rows) throws IOException {
        Path file = dir.resolve("digits-" + rows + ".csv");
        try (var in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Cli.class.getResourceAsStream(Experiments.BUNDLED_DATA)), StandardCharsets.UTF_8));
                var w = Files.newBufferedWriter(file)) {
            for (int i = 0; i <= rows; i++) {
                w.write(in.readLine());
                w.newLine();
            }
        }
        return file;
    }

    /** The article config on the first {@code rows} bundled digits, both written into {@code dir}. */
    static Path articleConfig(Path dir, int rows, String name) throws IOException {
        return articleConfig(dir, smallCsv(dir, rows), name, "");
    }

    /** Trains the article network briefly on the first {@code rows} bundled digits; returns the run directory. */
    static Path trainedRun(Path dir, int rows, int epochs) throws IOException {
        Path run = dir.resolve("run");
        Result r = run("train", "--config", articleConfig(dir, rows, "article-small").toString(), "--set", "training.epochs=" + epochs,
                "--out", run.toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        return run;
    }

    /**
     * A config {@code dir/name.textproto} for {@code data} (200 dev rows): 784 inputs → dense 'hidden' (32 units) →
     * {@code layers} (text-format layer lines) → dense 'output' (10) → softmax, then {@code rest} (optimizer, training).
     */
    static Path config(Path dir, String name, Path data, String layers, String rest) throws IOException {
        String text = """
                name: "%s"
                data { path: "%s" dev_rows: 200 }
                network {
                  input_size: 784
                  layers { name: "hidden" type: "dense" options: [{ key: "units" value: "32" }] }
                %s  layers { name: "output" type: "dense" options: [{ key: "units" value: "10" }] }
                  layers { name: "softmax" type: "softmax" }
                }
                %s""".formatted(name, data.toAbsolutePath(), layers.indent(2), rest);
        Path file = dir.resolve(name + ".textproto");
        Files.writeString(file, text);
        return file;
    }

    /** Runs {@code train --quiet --config config --out out} and {@code more} arguments; it must succeed. Returns out/last.ckpt. */
    static Checkpoint train(Path config, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--quiet", "--config", config.toString(), "--out", out.toString()));
        args.addAll(List.of(more));
        Result r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        return CheckpointFile.read(out.resolve("last.ckpt"));
    }

    /** The article config, pointing at {@code data}, with {@code extra} text-format lines appended. */
    static Path articleConfig(Path dir, Path data, String name, String extra) throws IOException {
        String text = Experiments.resourceText(Experiments.BUNDLED_CONFIG)
                .replace("path: \"\"", "path: \"" + data.toAbsolutePath() + "\"")
                .replace("dev_rows: 1000", "dev_rows: 200");
        Path file = dir.resolve(name + ".textproto");
        Files.writeString(file, text + "\n" + extra + "\n");
        return file;
    }

    /** A model trained on {@code rows} digits, its data, and what predict writes for them into a regular file. */
    record Predicted(Path csv, Path ckpt, String expected) {
    }

    static Predicted trainedAndPredicted(Path dir, int rows) throws IOException {
        Path ckpt = trainedRun(dir, rows, 1).resolve("last.ckpt");
        Path csv = dir.resolve("digits-" + rows + ".csv");
        Path out = dir.resolve("predicted-from-a-file.csv");
        Result r = run("predict", "--checkpoint", ckpt.toString(), "--input", csv.toString(), "--output", out.toString());
        org.assertj.core.api.Assertions.assertThat(r.code()).as(r.err()).isZero();
        return new Predicted(csv, ckpt, java.nio.file.Files.readString(out));
    }
}
