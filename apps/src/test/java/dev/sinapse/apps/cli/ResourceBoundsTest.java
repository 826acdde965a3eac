package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.apps.cli.Main;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.LayerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files and configs that ask for more memory than they justify, run in a separate JVM with a 64 MiB heap so an
 * allocation sized from a header would fail for real. io's reader tests cover the lying lengths in the default
 * heap; these check the command line around them: one line, exit code 2, never an OutOfMemoryError trace.
 */
class ResourceBoundsTest {
    private static final String HEAP = "-Xmx64m";

    @TempDir
    Path tmp;

    @Test
    void anIdxHeaderClaimingMoreImagesThanTheFileHoldsFailsWithoutAllocatingThem() throws Exception {
        int claimed = 200_000, held = 3;   // 157 MB declared, more than the whole heap; 2,352 bytes present
        Path images = tmp.resolve("lying-images-idx3-ubyte");
        ByteBuffer img = ByteBuffer.allocate(16 + held * 784).putInt(0x803).putInt(claimed).putInt(28).putInt(28);
        Files.write(images, img.array());
        ByteBuffer lab = ByteBuffer.allocate(8 + claimed).putInt(0x801).putInt(claimed);
        Files.write(tmp.resolve("lying-labels-idx1-ubyte"), lab.array());

        Child r = child("train", "--config", Cli.articleConfig(tmp, images, "lying", "").toString(),
                "--out", tmp.resolve("r").toString(), "--set", "training.epochs=1");
        assertThat(r.oneLineUserError()).isEqualTo("error: " + images + ": the header declares " + claimed + " images of 28×28 ("
                + claimed * 784L + " bytes) but the file holds only " + held * 784 + " bytes after the header");
    }

    /**
     * Data without line breaks: /dev/zero, and a gzipped line of 64 MB (64 KB on disk). Each is refused at the
     * line bound, naming the line, within seconds, in a 64 MiB heap (before the bound: "out of memory" after
     * filling whatever heap there was).
     */
    @Test
    void dataWithoutLineBreaksFailsAtItsLongLineFastInASmallHeap() throws Exception {
        String tooLong = ": longer than 1048576 characters; expected one image per line (a few thousand characters)";
        Path zero = Path.of("/dev/zero");
        if (Files.exists(zero)) {
            Child r = child("train", "--config", Cli.articleConfig(tmp, zero, "zero", "").toString(),
                    "--out", tmp.resolve("z").toString());
            assertThat(r.oneLineUserError()).isEqualTo("error: /dev/zero line 1" + tooLong);
        }

        Path bomb = tmp.resolve("bomb.csv.gz");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(bomb))) {
            gz.write(Files.readAllLines(Cli.smallCsv(tmp, 2)).get(0).getBytes(StandardCharsets.US_ASCII));
            gz.write('\n');
            byte[] zeros = "0,".repeat(1 << 15).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 1024; i++) {
                gz.write(zeros);
            }
        }
        assertThat(Files.size(bomb)).isLessThan(1 << 20);
        // the 64 MiB heap is the bound that matters: a reader that held the line would end out of memory instead
        Child r = child("train", "--config", Cli.articleConfig(tmp, bomb, "bomb", "").toString(), "--out", tmp.resolve("b").toString());
        assertThat(r.oneLineUserError()).isEqualTo("error: " + bomb + " line 2" + tooLong);
    }

    @Test
    void aNetworkLargerThanTheHeapIsAOneLineError() throws Exception {
        // 784 × 100,000 weights are 314 MB of floats
        Path config = Cli.articleConfig(tmp, 300, "huge");
        Child r = child("train", "--config", config.toString(), "--out", tmp.resolve("r").toString(),
                "--set", "network.layers[0].options.units=100000", "--set", "training.epochs=1");
        assertThat(r.oneLineUserError()).startsWith("error: out of memory (the Java heap is limited to ")
                .contains("give Java more memory");
    }

    @Test
    void theOutOfMemoryHintAsksForMoreThanTheHeapAlreadyHas() throws Exception {
        // 784 × 2,000,000 weights are 6.3 GB of floats: more than a 5 GiB heap, refused at once without touching memory
        Path config = Cli.articleConfig(tmp, 300, "huger");
        Child r = child("-Xmx5g", "train", "--config", config.toString(), "--out", tmp.resolve("r").toString(),
                "--set", "network.layers[0].options.units=2000000", "--set", "training.epochs=1");
        String error = r.oneLineUserError();
        assertThat(error).startsWith("error: out of memory (the Java heap is limited to ").contains("give Java more memory");
        long heapMiB = Long.parseLong(error.replaceAll(".*limited to (\\d+) MiB.*", "$1"));
        long suggestedGiB = Long.parseLong(error.replaceAll(".*java -Xmx(\\d+)g .*", "$1"));
        assertThat(suggestedGiB << 10).isGreaterThan(heapMiB);
        assertThat(Main.outOfMemory(64L << 20)).contains("java -Xmx4g ");
        assertThat(Main.outOfMemory(6L << 30)).contains("limited to 6144 MiB").contains("java -Xmx12g ");
    }

    @Test
    void anOutOfMemoryErrorDuringTrainingEndsTheProcessAtOnce() throws Exception {
        // 7,000 rows x 2,000 hidden units: the network fits in the heap, a full-batch step's activations (56 MB) do not;
        // the step runs after the save-on-exit hook is in place, which must not hold the exit back (it waited 120 s,
        // past the 60 s after which run() gives the child up and fails)
        Child r = child(List.of(HEAP), "train", "--out", tmp.resolve("r").toString(), "--set", "network.layers[0].options.units=2000",
                "--set", "training.epochs=1");
        assertThat(r.out).as("training had started").contains("kernel: ");
        assertThat(r.oneLineUserError()).startsWith("error: out of memory (the Java heap is limited to ");
    }

    /**
     * A stored config claiming 2,000,000 hidden units (or 5,000,000 inputs) beside the real 10-unit tensors: every
     * command that loads the file compares the declared sizes with the tensors before it builds anything, so even in
     * a 64 MiB heap the answer is the mismatch, not an out-of-memory error after initializing a 6 GB network.
     * inspect shows the file, then says it is invalid.
     */
    @Test
    void aCheckpointWhoseConfigClaimsAHugeNetworkIsRefusedBeforeAnythingIsBuilt() throws Exception {
        Path run = Cli.trainedRun(tmp, 300, 1);
        Path data = tmp.resolve("digits-300.csv");
        Checkpoint c = CheckpointFile.read(run.resolve("last.ckpt"));
        var config = c.getConfig().toBuilder();
        LayerConfig.Builder hidden = config.getNetworkBuilder().getLayersBuilder(0);
        hidden.putOptions("units", "2000000");
        Path lying = tmp.resolve("lying.ckpt");
        CheckpointFile.write(lying, c.toBuilder().setConfig(config).build());
        String expected = "error: " + lying + ": tensor 'hidden.W' is 10x784, but the network expects 2000000x784";

        assertThat(child("train", "--resume", lying.toString()).oneLineUserError()).isEqualTo(expected);
        assertThat(child("evaluate", "--checkpoint", lying.toString(), "--data", data.toString()).oneLineUserError())
                .isEqualTo(expected);
        Child inspect = child("inspect", lying.toString());
        assertThat(inspect.oneLineUserError()).isEqualTo(expected);
        assertThat(inspect.out).contains("hidden.W").contains("7,960");

        var wide = c.getConfig().toBuilder();
        wide.getNetworkBuilder().setInputSize(5_000_000);
        Path wideInput = tmp.resolve("wide-input.ckpt");
        CheckpointFile.write(wideInput, c.toBuilder().setConfig(wide).build());
        assertThat(child("predict", "--checkpoint", wideInput.toString(), "--input", data.toString(), "--output",
                tmp.resolve("sub.csv").toString()).oneLineUserError())
                .isEqualTo("error: " + wideInput + ": tensor 'hidden.W' is 10x784, but the network expects 10x5000000");
        assertThat(tmp.resolve("sub.csv")).doesNotExist();
    }

    private record Child(int code, String out, String err) {
        String oneLineUserError() {
            assertThat(code).as("exit code; stderr: %s", err).isEqualTo(Main.USER_ERROR);
            assertThat(err).doesNotContain("\tat ").doesNotContain("Exception in").doesNotContain("internal error");
            assertThat(err.lines()).as(err).hasSize(1);
            assertThat(out).doesNotContain("done:");
            return err.strip();
        }
    }

    /** The command line in a child JVM with a 64 MiB heap, or the heap of a leading "-Xmx..." argument. */
    private Child child(String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        boolean heap = args.length > 0 && args[0].startsWith("-Xmx");
        List<String> cmd = new ArrayList<>(List.of(java, heap ? args[0] : HEAP, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args).subList(heap ? 1 : 0, args.length));
        return run(cmd);
    }

    /** {@code args} in a child JVM like this one ({@link Cli#childJava}) with {@code jvmOptions}. */
    private Child child(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> cmd = Cli.childJava(jvmOptions.toArray(String[]::new));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private Child run(List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "out", ".txt"), err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("no answer in 60 s: " + cmd);
        }
        return new Child(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
