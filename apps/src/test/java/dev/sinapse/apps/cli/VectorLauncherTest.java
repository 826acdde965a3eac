package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.proto.Checkpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain {@code java … Main train} (this test JVM has no Vector API module, as a plain {@code java -jar} has none)
 * runs the Vector API kernel in a child JVM: the same exit codes and output, and no incubator warning.
 */
class VectorLauncherTest {
    @TempDir
    Path tmp;

    private static String filtered(String stderr, int chunk) {
        byte[] bytes = stderr.getBytes(StandardCharsets.UTF_8);
        InputStream in = new InputStream() {
            private int at;

            @Override
            public int read() {
                return at < bytes.length ? bytes[at++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, chunk), bytes.length - at);
                System.arraycopy(bytes, at, b, off, n);
                at += n;
                return n;
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        VectorLauncher.copyStderr(in, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theIncubatorWarningIsDroppedAndEveryOtherByteKeptHoweverTheChildWrites() {
        String nl = System.lineSeparator();
        for (int chunk : new int[] {1, 3, 8192}) {
            assertThat(filtered(VectorLauncher.WARNING + nl + "error: x" + nl, chunk)).as("chunk %d", chunk).isEqualTo("error: x" + nl);
            assertThat(filtered("WARNING: something else" + nl + "y", chunk)).isEqualTo("WARNING: something else" + nl + "y");
            assertThat(filtered("WARN", chunk)).isEqualTo("WARN");
            assertThat(filtered("error: a" + nl + VectorLauncher.WARNING + nl, chunk))
                    .as("only a first line is Java's").isEqualTo("error: a" + nl + VectorLauncher.WARNING + nl);
        }
        assertThat(filtered("", 1)).isEmpty();
        assertThat(new ByteArrayInputStream(new byte[0]).available()).isZero();
    }

    private Process train(Path out, String vector, String... sets) throws IOException {
        Path config = Cli.articleConfig(tmp, Cli.smallCsv(tmp, 400), "launch", "");
        List<String> cmd = Cli.plainJava();
        cmd.addAll(List.of("train", "--config", config.toString(), "--out", out.toString()));
        cmd.addAll(List.of(sets));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (vector != null) {
            pb.environment().put(VectorLauncher.ENV, vector);
        } else {
            pb.environment().remove(VectorLauncher.ENV);
        }
        return pb.start();
    }

    private static String finish(Process p) throws Exception {
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return err;
    }

    @Test
    void aPlainJavaTrainsWithTheVectorKernelAndPrintsNoIncubatorWarning() throws Exception {
        Path out = tmp.resolve("vector");
        Process p = train(out, null, "--set", "training.epochs=3");
        String err = finish(p);
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(err).doesNotContain("WARNING").doesNotContain("incubator");
        String kernel = CheckpointFile.read(out.resolve("last.ckpt")).getKernel();
        if (!kernel.equals("fused-vector")) {
            // the one fallback: a CPU without 256-bit vectors, said in one line
            assertThat(err).contains("note: this CPU has no 256-bit vector instructions");
            assertThat(kernel).isEqualTo("fused");
        }
    }

    @Test
    void offKeepsThePlainKernelsInTheSameProcess() throws Exception {
        Path out = tmp.resolve("plain");
        Process p = train(out, "off", "--set", "training.epochs=3");
        String err = finish(p);
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(p.children().count()).isZero();
        assertThat(CheckpointFile.read(out.resolve("last.ckpt")).getKernel()).isEqualTo("fused");
    }

    @Test
    void theJavaOptionWinsOverTheVariable() throws Exception {
        Path out = tmp.resolve("option");
        Path config = Cli.articleConfig(tmp, Cli.smallCsv(tmp, 400), "option", "");
        List<String> cmd = Cli.plainJava();
        cmd.add(1, "-D" + VectorLauncher.PROPERTY + "=off");
        cmd.addAll(List.of("train", "--quiet", "--config", config.toString(), "--out", out.toString(), "--set", "training.epochs=2"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put(VectorLauncher.ENV, "on");
        Process p = pb.start();
        String err = finish(p);
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(CheckpointFile.read(out.resolve("last.ckpt")).getKernel()).isEqualTo("fused");
    }

    @Test
    void aBadSettingIsAUserError() throws Exception {
        Process p = train(tmp.resolve("bad"), "maybe");
        String err = finish(p);
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(err.trim()).isEqualTo("error: SINAPSE_VECTOR=maybe: expected on or off");
    }

    @Test
    void sigintAndSigtermToTheLauncherSaveInTheChildAndExitWithItsCode() throws Exception {
        for (String signal : new String[] {"INT", "TERM"}) {
            Path out = tmp.resolve("signal-" + signal);
            Process p = train(out, null, "--set", "training.epochs=100000", "--set", "training.batch_size=16",
                    "--set", "training.log_every=10");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(out.resolve("metrics.csv")) && Files.size(out.resolve("metrics.csv")) > 200)
                    && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(p.isAlive()).as("training when signalled").isTrue();
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            String err = finish(p);
            assertThat(p.exitValue()).as(signal + ": " + err).isEqualTo(signal.equals("INT") ? 130 : 143);
            assertThat(err).contains("interrupted at step").doesNotContain("WARNING");
            Checkpoint saved = CheckpointFile.read(out.resolve("last.ckpt"));
            assertThat(saved.getPosition().getFinished()).isFalse();
        }
    }
}
