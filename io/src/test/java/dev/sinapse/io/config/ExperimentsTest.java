package dev.sinapse.io.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.SinapseException;
import dev.sinapse.io.GzipBytes;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExperimentsTest {
    /** Rows of the test files: 2×2 images, labels cycling through the digits. */
    private static final int ROWS = 30;

    @TempDir
    Path dir;

    /**
     * The digest a checkpoint records, taken while the data is read, is the SHA-256 of the file's bytes as stored,
     * exactly as the former second read of the whole file computed it: checkpoints written before keep resuming.
     * The last file has 300 kB after its gzip stream, which the reader never asks for.
     */
    @ParameterizedTest
    @ValueSource(strings = {"digits.csv", "digits.csv.gz", "digits-images-idx3-ubyte", "digits-images-idx3-ubyte.gz",
        "trailing.csv.gz"})
    void theDigestTakenWhileReadingIsTheSha256OfTheStoredBytes(String name) throws Exception {
        Path file = dir.resolve(name);
        byte[] plain = name.contains("idx3") ? idxImages() : csv();
        byte[] stored = !name.endsWith(".gz") ? plain
                : name.startsWith("trailing") ? Arrays.copyOf(GzipBytes.of(plain), GzipBytes.of(plain).length + 300_000)
                : GzipBytes.of(plain);
        Files.write(file, stored);
        if (name.contains("idx3")) {
            Files.write(dir.resolve(name.replace("images-idx3", "labels-idx1")), idxLabels());   // the name MNIST pairs them by
        }
        Experiments.Loaded loaded = Experiments.resolve(ConfigFiles.parseText("""
                data { path: "%s" dev_rows: 5 }
                network { input_size: 4 layers { type: "dense" options { key: "units" value: "10" } } }
                """.formatted(file.getFileName()), "exp.textproto"), List.of(), dir, "exp.textproto");

        Experiments.Data data = Experiments.loadData(loaded);

        assertThat(data.rows().size()).isEqualTo(ROWS);
        assertThat(data.sha256()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
    }

    /** A thread count in the thousands would start thousands of spinning threads: refused at resolve, with the bound. */
    @ParameterizedTest
    @ValueSource(longs = {100_000, -1})
    void threadCountsOutsideZeroToFourPerCoreAreRefused(long threads) {
        int cores = Runtime.getRuntime().availableProcessors();
        var config = ConfigFiles.parseText(withThreads(threads), "exp.textproto");
        String expected = "training.threads must be 0 (all cores) or 1.." + 4 * cores + " (4 per core; this machine has "
                + cores + "), got " + threads;
        assertThatThrownBy(() -> Experiments.resolve(config, List.of(), dir, "exp.textproto"))
                .isInstanceOf(SinapseException.class)
                .hasMessage(threads < 0 ? "training.threads must be 0 (all cores) or a positive integer, got -1" : expected);
        assertThatThrownBy(() -> Experiments.checkThreads(threads, "--threads")).hasMessage(expected.replace("training.threads", "--threads"));
        // the bound itself, and 0 (every core), are accepted
        Experiments.resolve(ConfigFiles.parseText(withThreads(4L * cores), "exp.textproto"), List.of(), dir, "exp.textproto");
        Experiments.checkThreads(0, "--threads");
    }

    private static String withThreads(long threads) {
        return "network { input_size: 4 layers { type: \"dense\" options { key: \"units\" value: \"10\" } } }\n"
                + "training { threads: " + threads + " }";
    }

    /** A path written in a config file is relative to the file's folder: data.path and data.labels_path alike. */
    @Test
    void relativePathsInAConfigFileResolveAgainstItsFolder() throws Exception {
        Path images = dir.resolve("images/digits-images-idx3-ubyte");
        Path labels = dir.resolve("labels/digit-labels.idx1");
        Files.createDirectories(images.getParent());
        Files.createDirectories(labels.getParent());
        Files.write(images, idxImages());
        Files.write(labels, idxLabels());
        Path config = dir.resolve("exp.textproto");
        Files.writeString(config, """
                data { path: "images/digits-images-idx3-ubyte" labels_path: "labels/digit-labels.idx1" dev_rows: 5 }
                network { input_size: 4 layers { type: "dense" options { key: "units" value: "10" } } }
                """);

        Experiments.Loaded loaded = Experiments.load(config, List.of());

        assertThat(loaded.experiment().getData().getPath()).isEqualTo(images.toString());
        assertThat(loaded.experiment().getData().getLabelsPath()).isEqualTo(labels.toString());
        assertThat(loaded.dataNote()).isEqualTo("data.path is relative to the config's folder");
        assertThat(Experiments.loadData(loaded).rows().size()).isEqualTo(ROWS);
    }

    /** A path typed on the command line is relative to the working directory, with a config file or without. */
    @Test
    void relativePathsGivenWithSetResolveAgainstTheWorkingDirectory() throws Exception {
        Path config = dir.resolve("exp.textproto");
        Files.writeString(config, """
                data { path: "in-the-config-folder.csv" }
                network { input_size: 4 layers { type: "dense" options { key: "units" value: "10" } } }
                """);
        Path cwd = Path.of("").toAbsolutePath();
        List<String> sets = List.of("data.path=some/where.csv", "data.labels_path=l.idx");

        for (Experiments.Loaded loaded : List.of(Experiments.load(config, sets),
                Experiments.resolve(ConfigFiles.read(config), sets, dir.resolve("elsewhere"), "no file"))) {
            assertThat(loaded.experiment().getData().getPath()).isEqualTo(cwd.resolve("some/where.csv").toString());
            assertThat(loaded.experiment().getData().getLabelsPath()).isEqualTo(cwd.resolve("l.idx").toString());
            assertThat(loaded.dataNote()).isEqualTo("--set data.path is relative to the working directory");
        }
        // the bundled sample: no path, nothing to say
        assertThat(Experiments.load(config, List.of("data.path=")).dataNote()).isEmpty();
    }

    /** Checkpoints name their data absolutely; one saved before labels_path followed the rule read it beside the images. */
    @Test
    void aCheckpointsRelativeLabelsPathStaysBesideItsImages() {
        var saved = ConfigFiles.parseText("""
                data { path: "/data/mnist/train-images-idx3-ubyte" labels_path: "train-labels-idx1-ubyte" }
                network { input_size: 784 layers { type: "dense" options { key: "units" value: "10" } } }
                """, "saved");

        Experiments.Loaded loaded = Experiments.fromCheckpoint(saved, List.of(), "last.ckpt");

        assertThat(loaded.experiment().getData().getLabelsPath()).isEqualTo(Path.of("/data/mnist/train-labels-idx1-ubyte").toString());
        assertThat(loaded.experiment().getData().getPath()).isEqualTo(Path.of("/data/mnist/train-images-idx3-ubyte").toString());
    }

    private static byte[] csv() {
        StringBuilder b = new StringBuilder("label,pixel0,pixel1,pixel2,pixel3\n");
        for (int r = 0; r < ROWS; r++) {
            b.append(r % 10).append(',').append(r).append(",0,").append(255 - r).append(",7\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] idxImages() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x803);
        out.writeInt(ROWS);
        out.writeInt(2);
        out.writeInt(2);
        for (int r = 0; r < ROWS; r++) {
            out.write(new byte[] {(byte) r, 0, (byte) (255 - r), 7});
        }
        return bytes.toByteArray();
    }

    private static byte[] idxLabels() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x801);
        out.writeInt(ROWS);
        for (int r = 0; r < ROWS; r++) {
            out.write(r % 10);
        }
        return bytes.toByteArray();
    }
}
