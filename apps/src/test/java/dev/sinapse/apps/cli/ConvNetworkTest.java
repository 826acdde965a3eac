package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Param;
import dev.sinapse.api.Shapes;
import dev.sinapse.apps.training.Checkpoints;
import dev.sinapse.apps.training.Trainer;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.Provenance;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import javax.imageio.ImageIO;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small convolutional network trained from a config on image-shaped digits: 1 and 2 threads give bitwise the same
 * parameters, and a run saved mid-epoch and resumed (on the other thread count) ends bitwise where the straight run
 * ends.
 */
class ConvNetworkTest {
    @TempDir
    static Path tmp;
    private static Path digits;

    @BeforeAll
    static void data() throws IOException {
        digits = Cli.smallCsv(tmp, 200);
    }

    /** 1×28×28 → conv 4@5×5 stride 2 pad same → relu → max_pool → conv 6@3×3 → avg_pool → dense 10; 160 rows, batches of 32. */
    private static Experiments.Loaded config() {
        return Experiments.resolve(ConfigFiles.parseText(text(), "small-conv.textproto"), List.of(), tmp, "small-conv.textproto");
    }

    private static String text() {
        return """
                name: "small-conv"
                data { path: "%s" dev_rows: 40 }
                network {
                  input_shape: [1, 28, 28]
                  layers { name: "conv1" type: "conv2d" options: [{ key: "filters" value: "4" }, { key: "kernel_size" value: "5" },
                                                                  { key: "stride" value: "2" }, { key: "padding" value: "same" }] }
                  layers { type: "relu" }
                  layers { type: "max_pool" }
                  layers { name: "conv2" type: "conv2d" options: [{ key: "filters" value: "6" }, { key: "kernel_size" value: "3" },
                                                                  { key: "bias_init" value: "uniform(low=-0.1, high=0.1)" }] }
                  layers { type: "avg_pool" options: [{ key: "size" value: "2" }, { key: "stride" value: "1" }] }
                  layers { type: "flatten" }
                  layers { name: "output" type: "dense" options: [{ key: "units" value: "10" }] }
                }
                optimizer { type: "adam" learning_rate: 0.01 }
                training { epochs: 2 batch_size: 32 log_every: 1 seed: 3 }
                """.formatted(digits.toAbsolutePath());
    }

    @Test
    void showDrawsTheFirstConvolutionsFiltersAndInspectAndLayersShowTheShapes() throws Exception {
        Path config = tmp.resolve("small-conv.textproto");
        Files.writeString(config, text());
        Checkpoint c = Cli.train(config, tmp.resolve("run"), "--set", "training.epochs=1");
        Path ckpt = tmp.resolve("run").resolve("last.ckpt"), png = tmp.resolve("filters.png");

        Cli.Result show = Cli.run("show", "--checkpoint", ckpt.toString(), "--filters", png.toString());
        Cli.Result inspect = Cli.run("inspect", ckpt.toString());
        Cli.Result layers = Cli.run("layers", "--config", config.toString());

        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).contains("filters of 'conv1'");
        // the grid as Charts.filters lays it out: 4 filters × 1 channel of 5 × 5 cells of 19 pixels, 6 apart, from (132, 24)
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(c.getParams(0).getName()).isEqualTo("conv1.W");
        float[] W = new float[100];
        for (int i = 0; i < 100; i++) {
            W[i] = c.getParams(0).getValues(i);
        }
        for (int f = 0; f < 4; f++) {
            int hi = 0, lo = 0;
            for (int j = 1; j < 25; j++) {
                hi = W[f * 25 + j] > W[f * 25 + hi] ? j : hi;
                lo = W[f * 25 + j] < W[f * 25 + lo] ? j : lo;
            }
            assertThat(img.getRGB(132 + hi % 5 * 19 + 9, 24 + f * 101 + hi / 5 * 19 + 9) & 0xffffff).as("filter %d's largest weight", f).isEqualTo(0x000000);
            assertThat(img.getRGB(132 + lo % 5 * 19 + 9, 24 + f * 101 + lo / 5 * 19 + 9) & 0xffffff).as("filter %d's smallest weight", f).isEqualTo(0xffffff);
        }
        assertThat(inspect.out()).containsPattern("input\\s+1x28x28").containsPattern("conv1\\s+conv2d\\s+4x14x14\\s+104\\s")
                .containsPattern("max_pool\\d\\s+max_pool\\s+4x7x7");
        assertThat(layers.code()).as(layers.err()).isZero();
        assertThat(layers.out()).containsPattern("conv2\\s+conv2d\\s+6x5x5\\s+222\\s").containsPattern("flatten\\d\\s+flatten\\s+96\\s");
    }

    @Test
    void filtersOfANetworkWithoutAConvolutionAreRefusedInOneLine() throws Exception {
        Path run = Cli.trainedRun(Files.createDirectories(tmp.resolve("dense")), 300, 1);

        Cli.Result r = Cli.run("show", "--checkpoint", run.resolve("last.ckpt").toString(), "--filters", tmp.resolve("none.png").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(1).first().asString()
                .startsWith("error: ").contains("the network has no convolution layer");
        assertThat(tmp.resolve("none.png")).doesNotExist();
    }

    private static Trainer trainer(Experiments.Loaded loaded, int threads) {
        return Cli.trainer(loaded, threads);
    }

    private static List<float[]> values(Trainer t) {
        return Cli.values(t);
    }

    @Test
    void theShapesFollowTheConfig() {
        Trainer t = trainer(config(), 1);

        assertThat(t.network().layers()).extracting(l -> Shapes.format(l.outputShape()))
                .containsExactly("4x14x14", "4x14x14", "4x7x7", "6x5x5", "6x4x4", "96", "10");
        assertThat(t.network().params()).extracting(Param::name)
                .containsExactly("conv1.W", "conv1.b", "conv2.W", "conv2.b", "output.W", "output.b");
    }

    @Test
    void oneAndTwoThreadsTrainToBitwiseTheSameParameters() {
        Trainer one = trainer(config(), 1);
        Trainer two = trainer(config(), 2);
        List<float[]> before = values(one);

        one.run(new Trainer.Listener() { }, () -> false);
        two.run(new Trainer.Listener() { }, () -> false);

        assertThat(one.step()).isEqualTo(10);
        assertThat(values(one).get(0)).as("training moved conv1.W").isNotEqualTo(before.get(0));
        assertThat(values(two)).containsExactlyElementsOf(values(one));
    }

    @Test
    void aRunSavedMidEpochAndResumedEndsBitwiseWhereTheStraightRunEnds() throws Exception {
        Experiments.Loaded loaded = config();
        Trainer straight = trainer(loaded, 1);
        straight.run(new Trainer.Listener() { }, () -> false);

        Trainer first = trainer(loaded, 1);
        first.run(new Trainer.Listener() { }, () -> first.step() >= 3);   // 5 steps an epoch: stopped inside the first
        Path file = tmp.resolve("mid-epoch.ckpt");
        CheckpointFile.write(file, Checkpoints.snapshot(first, Provenance.getDefaultInstance()));
        Checkpoint c = CheckpointFile.read(file);
        Trainer resumed = trainer(Experiments.resolve(c.getConfig(), List.of(), tmp, file.toString()), 2);
        Checkpoints.restore(resumed, c, file);
        resumed.run(new Trainer.Listener() { }, () -> false);

        assertThat(c.getPosition().getStep()).isEqualTo(3);
        assertThat(resumed.step()).isEqualTo(straight.step()).isEqualTo(10);
        assertThat(values(resumed)).containsExactlyElementsOf(values(straight));
    }
}
