package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sinapse.api.Fifo;
import dev.sinapse.io.proto.Checkpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data read from a pipe: a FIFO named as the file, {@code /dev/stdin}, or "-" for standard input. Each gives what
 * the same bytes give from a regular file (these once failed with "cannot read (line N): Illegal seek").
 */
@Timeout(120)
class PipesTest {
    private static final int ROWS = 300;

    /** A trained model, its data, and predict's output for the data read as a regular file. */
    @TempDir
    static Path tmp;
    static Path csv, ckpt;
    static String expected;

    @BeforeAll
    static void trainAndPredictFromAFile() throws IOException {
        assumeTrue(Fifo.available(), "no mkfifo here");
        Cli.Predicted p = Cli.trainedAndPredicted(tmp, ROWS);
        csv = p.csv();
        ckpt = p.ckpt();
        expected = p.expected();
    }

    @Test
    void evaluateReadsAFifo() throws Exception {
        Cli.Result fromFile = Cli.run("evaluate", "--checkpoint", ckpt.toString(), "--data", csv.toString());
        try (Fifo fifo = Fifo.feeding(tmp.resolve("evaluate.fifo"), Files.readAllBytes(csv))) {
            Cli.Result r = Cli.run("evaluate", "--checkpoint", ckpt.toString(), "--data", fifo.path().toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo(fromFile.out().replace(csv.toString(), fifo.path().toString()));
        }
    }

    @Test
    void trainReadsAFifoNamedAsDataPath() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a")), b = Files.createDirectories(tmp.resolve("b"));
        Checkpoint fromFile = Cli.train(Cli.articleConfig(a, csv, "same", ""), a.resolve("run"), "--set", "training.epochs=1");
        try (Fifo fifo = Fifo.feeding(tmp.resolve("train.fifo"), Files.readAllBytes(csv))) {
            Checkpoint fromFifo = Cli.train(Cli.articleConfig(b, fifo.path(), "same", ""), b.resolve("run"), "--set", "training.epochs=1");
            assertThat(fromFifo.getParamsList()).isEqualTo(fromFile.getParamsList());
            assertThat(fromFifo.getProvenance().getDataSha256()).isEqualTo(fromFile.getProvenance().getDataSha256());
        }
    }

    @Test
    void predictReadsStandardInputAsDashOrDevStdin() throws Exception {
        for (String input : List.of("-", "/dev/stdin")) {
            Path out = tmp.resolve("from-stdin-" + (input.equals("-") ? "dash" : "dev") + ".csv");
            Child r = child(Files.readAllBytes(csv), "predict", "--checkpoint", ckpt.toString(), "--input", input,
                    "--output", out.toString());
            assertThat(r.code).as(r.err).isZero();
            assertThat(Files.readString(out)).as(input).isEqualTo(expected);
        }
    }

    @Test
    void aBadLineOnStandardInputIsNamedAsStdin() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        lines.set(3, "7," + lines.get(3));
        Path out = tmp.resolve("never.csv");
        Child r = child((String.join("\n", lines) + "\n").getBytes(), "predict", "--checkpoint", ckpt.toString(),
                "--input", "-", "--output", out.toString());
        assertThat(r.code).as(r.err).isEqualTo(Main.USER_ERROR);
        assertThat(r.err.strip()).isEqualTo("error: stdin line 4: expected 785 columns, found 786");
        assertThat(out).doesNotExist();
    }

    record Child(int code, String out, String err) {
    }

    /** The command line in a child JVM whose standard input is a pipe that {@code stdin} is written into. */
    static Child child(byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = Cli.childJava();
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt"), err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException stoppedReading) {
            // the command failed before reading everything: its exit code and message say why
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("no answer in 60 s: " + cmd);
        }
        String stderr = Files.readString(err).replaceAll("(?m)^WARNING: Using incubator modules.*\\R", "");
        return new Child(p.exitValue(), Files.readString(out), stderr);
    }
}
