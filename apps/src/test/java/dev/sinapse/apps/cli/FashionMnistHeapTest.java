package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sinapse.apps.cli.Main;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.proto.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 60,000 Fashion-MNIST training images (IDX, gzip) train for one mini-batch epoch in a separate JVM whose
 * heap is capped at 1 GiB: the data set (47 MB of pixels as bytes), the network and the evaluation fit.
 */
class FashionMnistHeapTest {
    static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path tmp;

    @Test
    void oneEpochOnSixtyThousandImagesRunsInAOneGibibyteHeap() throws Exception {
        Path images = DIR.resolve("train-images-idx3-ubyte.gz");
        assumeTrue(Files.isRegularFile(images) && Files.isRegularFile(DIR.resolve("train-labels-idx1-ubyte.gz")),
                "Fashion-MNIST is not installed in " + DIR + " (apt-get install -y dataset-fashion-mnist)");
        Path config = Cli.articleConfig(tmp, images, "fashion", "");
        Path out = tmp.resolve("run");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--config", config.toString(), "--out", out.toString(),
                "--set", "data.dev_rows=1000", "--set", "training.epochs=1", "--set", "training.batch_size=100",
                "--set", "training.log_every=200")
                .redirectError(tmp.resolve("stderr.txt").toFile()).redirectOutput(tmp.resolve("stdout.txt").toFile()).start();
        boolean ended = p.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        String stdout = Files.readString(tmp.resolve("stdout.txt")), stderr = Files.readString(tmp.resolve("stderr.txt"));
        assertThat(ended).as("finished in time; stdout so far: %s", stdout).isTrue();
        assertThat(p.exitValue()).as(stderr).isZero();
        assertThat(stderr).doesNotContain("OutOfMemoryError");
        assertThat(stdout).contains("59000 train rows, 1000 dev rows").contains(images.toString());

        // one epoch of 590 steps; far above chance (0.1) on the dev images
        Matcher done = Pattern.compile("done: train accuracy ([0-9.]+), dev accuracy ([0-9.]+), 590 steps").matcher(stdout);
        assertThat(done.find()).as(stdout).isTrue();
        assertThat(Double.parseDouble(done.group(2))).isGreaterThan(0.5);
        Checkpoint last = CheckpointFile.read(out.resolve("last.ckpt"));
        assertThat(last.getProvenance().getTrainRows()).isEqualTo(59_000);
        assertThat(last.getPosition().getStep()).isEqualTo(590);
        assertThat(last.getPosition().getFinished()).isTrue();
    }
}
