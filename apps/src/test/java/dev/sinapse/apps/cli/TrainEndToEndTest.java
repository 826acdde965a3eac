package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.sinapse.apps.Injection;
import dev.sinapse.apps.training.Metrics;
import dev.sinapse.io.checkpoint.CheckpointFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TrainEndToEndTest {
    @TempDir
    Path tmp;

    /** "auto" (what a plain run picks) and every bound kernel, each where it can run in this JVM. */
    static Stream<String> kernels() {
        return Stream.concat(Stream.of("auto"), Injection.kernels().factories().keySet().stream());
    }

    @ParameterizedTest(name = "--kernel {0}")
    @MethodSource("kernels")
    void articleConfigTrainsAndTheLossFalls(String kernel) throws Exception {
        Path config = Cli.articleConfig(tmp, 1200, "article-small");
        Path out = tmp.resolve("run");
        Cli.Result r = Cli.run("train", "--config", config.toString(), "--set", "training.epochs=50", "--out", out.toString(),
                "--kernel", kernel);
        assumeFalse(r.err().contains("cannot run this network here"), kernel + " cannot run in this JVM: " + r.err());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("step 10/50").contains("step 50/50").contains("done: train accuracy");
        String used = CheckpointFile.read(out.resolve("last.ckpt")).getKernel();
        assertThat(r.out()).contains("kernel: ");
        if (!kernel.equals("auto")) {
            assertThat(used).isEqualTo(kernel);
        }

        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(rows.get(0)).isEqualTo(Metrics.CSV_HEADER);
        assertThat(rows).hasSize(1 + 5);   // logged at steps 10, 20, 30, 40, 50
        double first = Double.parseDouble(rows.get(1).split(",")[2]);
        double last = Double.parseDouble(rows.get(5).split(",")[2]);
        assertThat(last).isLessThan(first * 0.8);
        double devAcc = Double.parseDouble(rows.get(5).split(",")[5]);
        assertThat(devAcc).isGreaterThan(0.3);   // far above chance (0.1) after 50 steps
        assertThat(out.resolve("last.ckpt")).exists();
        assertThat(out.resolve("best.ckpt")).exists();
        assertThat(out.resolve("config.textproto")).exists();
    }

    /** Without --config, a relative --set data.path is relative to the working directory, and the first line says so. */
    @Test
    void aRunWithoutAConfigSaysWhereItsRelativeDataPathPoints() throws Exception {
        Path data = Cli.smallCsv(tmp, 300).toAbsolutePath();
        String relative = Path.of("").toAbsolutePath().relativize(data).toString();
        Cli.Result r = Cli.run("train", "--set", "data.path=" + relative, "--set", "data.dev_rows=100", "--set", "training.epochs=1",
                "--out", tmp.resolve("relative").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).startsWith("sinapse: 'article' from article.textproto (bundled); "
                + "200 train rows, 100 dev rows from " + data + " (--set data.path is relative to the working directory)");
    }

    @Test
    void unknownLayerTypeNamesTheKnownOnesAndTheClosest() throws Exception {
        Path config = Cli.articleConfig(tmp, 300, "bad");
        Files.writeString(config, Files.readString(config).replace("type: \"relu\"", "type: \"rellu\""));
        assertThat(trainFails(config)).startsWith("error: network.layers[1].type: unknown layer or activation 'rellu' (did you mean 'relu'?); installed: ")
                .contains("dense").contains("softmax").contains("tanh").doesNotContain("\tat ");
    }

    @Test
    void tooFewOutputsForTheLabelsIsAUserError() throws Exception {
        Path data = Cli.smallCsv(tmp, 300);
        assertThat(trainFails(Cli.articleConfig(tmp, data, "five", ""), "--set", "network.layers[output].options.units=5"))
                .isEqualTo("error: network: the last layer gives 5 outputs, but " + data + " has labels up to 9; give the last dense layer units: 10");
    }

    @Test
    void aDenseLayerTooLargeForOneTensorIsAUserError() throws Exception {
        assertThat(trainFails(Cli.articleConfig(tmp, 300, "huge"), "--set", "network.layers[hidden].options.units=1000000000"))
                .isEqualTo("error: layer 'hidden' (dense): option 'units' is too large: 1000000000 x 784 weights do not fit in one tensor");
    }

    @Test
    void earlyStoppingWithoutADevSetIsAUserError() throws Exception {
        assertThat(trainFails(Cli.articleConfig(tmp, 300, "nodev"), "--set", "data.dev_rows=0", "--set", "training.early_stopping.patience=3"))
                .isEqualTo("error: training.early_stopping.patience is 3 but there is no dev set to watch (data.dev_rows is 0)");
    }

    /** {@code train --config config --out tmp/r} with {@code more} arguments must fail as a user error; returns stderr, trimmed. */
    private String trainFails(Path config, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--config", config.toString(), "--out", tmp.resolve("r").toString()));
        args.addAll(List.of(more));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.code()).isEqualTo(2);
        return r.err().trim();
    }

    @Test
    void layersListsEveryBuiltIn() {
        Cli.Result r = Cli.run("layers");
        assertThat(r.code()).isZero();
        for (String key : List.of("dense", "softmax", "dropout", "batch_norm", "flatten", "relu", "leaky_relu", "sigmoid",
                "tanh", "cross_entropy", "mse", "uniform", "normal", "he", "xavier", "zeros", "sgd", "momentum", "adam",
                "adamw", "rmsprop", "adagrad", "constant", "step", "exponential", "cosine")) {
            assertThat(r.out()).containsPattern("(?m)^  " + key + "\\b");
        }
    }

    @Test
    void unknownSubcommandIsAUserError() {
        Cli.Result r = Cli.run("trian");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("trian");
    }
}
