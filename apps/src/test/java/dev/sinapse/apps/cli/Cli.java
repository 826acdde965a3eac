package dev.sinapse.apps.cli;

import dev.sinapse.apps.cli.Main;
import dev.sinapse.io.config.Experiments;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Runs the real command-line entry point in this JVM and captures what it prints. */
final class Cli {
    record Result(int code, String out, String err) {
    }

    private Cli() {
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

    /** The article config, pointing at {@code data}, with {@code extra} text-format lines appended. */
    static Path articleConfig(Path dir, Path data, String name, String extra) throws IOException {
        String text = Experiments.resourceText(Experiments.BUNDLED_CONFIG)
                .replace("path: \"\"", "path: \"" + data.toAbsolutePath() + "\"")
                .replace("dev_rows: 1000", "dev_rows: 200");
        Path file = dir.resolve(name + ".textproto");
        Files.writeString(file, text + "\n" + extra + "\n");
        return file;
    }
}
