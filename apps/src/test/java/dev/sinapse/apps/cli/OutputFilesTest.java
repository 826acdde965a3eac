package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sinapse.api.Fifo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the commands' outputs go when the path is not a plain file: standard output ("-", /dev/fd/1), a FIFO,
 * a symbolic link. A link stays a link and a FIFO stays a FIFO: the write goes through them, not over them.
 */
@Timeout(120)
class OutputFilesTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    @TempDir
    static Path tmp;
    static Path csv;
    static Path ckpt;
    /** predict's output for {@link #csv} as a regular file. */
    static String expected;

    @BeforeAll
    static void trainAndPredict() throws IOException {
        Cli.Predicted p = Cli.trainedAndPredicted(tmp, 300);
        csv = p.csv();
        ckpt = p.ckpt();
        expected = p.expected();
    }

    private static Cli.Result predict(String output) {
        return Cli.run("predict", "--checkpoint", ckpt.toString(), "--input", csv.toString(), "--output", output);
    }

    @Test
    void predictWritesTheCsvToStandardOutputForADashAndTheSummaryToStandardError() {
        Cli.Result r = predict("-");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(expected);
        assertThat(r.err()).startsWith("predicted 300 rows of " + csv).endsWith("; wrote standard output\n");
        assertThat(tmp.resolve("-")).doesNotExist();
    }

    @Test
    void predictWritesThroughStandardOutputsDescriptor() throws Exception {
        for (String output : List.of("/dev/fd/1", "-")) {
            Path stdout = tmp.resolve("stdout.txt"), stderr = tmp.resolve("stderr.txt");
            List<String> cmd = Cli.childJava();
            cmd.addAll(List.of("predict", "--checkpoint", ckpt.toString(), "--input", csv.toString(), "--output", output));
            Process p = new ProcessBuilder(cmd).directory(tmp.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(stderr)).isZero();
            assertThat(Files.readString(stdout)).as(output).isEqualTo(expected);
            assertThat(Files.readString(stderr)).contains("predicted 300 rows");
        }
    }

    @Test
    void aLinkedOutputReplacesTheFileItPointsToAndStaysALink() throws IOException {
        Path real = Files.writeString(Files.createDirectories(tmp.resolve("kaggle")).resolve("submission.csv"), "old\n");
        Path link = Files.createSymbolicLink(tmp.resolve("latest.csv"), real);
        Cli.Result r = predict(link.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo(expected);

        Path png = Files.createSymbolicLink(tmp.resolve("confusion-link.png"), tmp.resolve("kaggle/confusion.png"));
        Cli.Result e = Cli.run("evaluate", "--checkpoint", ckpt.toString(), "--data", csv.toString(), "--png", png.toString());
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(Files.isSymbolicLink(png)).isTrue();
        assertThat(Files.readAllBytes(tmp.resolve("kaggle/confusion.png"))).startsWith(PNG_MAGIC);
    }

    @Test
    void aFifoOutputIsWrittenThroughAndStaysAFifo() throws Exception {
        assumeTrue(Fifo.available(), "no mkfifo here");
        Path fifo = Fifo.make(tmp.resolve("picture.fifo"));
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        Cli.Result r = Cli.run("show", "--checkpoint", ckpt.toString(), "--data", csv.toString(), "--index", "3", "--png", fifo.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(read.get(20, TimeUnit.SECONDS)).startsWith(PNG_MAGIC);
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
}
