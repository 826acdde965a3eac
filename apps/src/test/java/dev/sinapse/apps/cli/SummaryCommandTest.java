package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** summary: shapes, parameters and FLOPs of a config's or a checkpoint's network, counted by hand here. */
class SummaryCommandTest {
    private static final Path CONFIGS = Path.of(System.getProperty("basedir", "")).resolve("configs");

    /**
     * wide-dropout, 784 → 128 → 64 → 10, by hand: weights and biases 784·128 + 128 = 100,480, 128·64 + 64 = 8,256,
     * 64·10 + 10 = 650; FLOPs 2·784·128 + 128 = 200,832, relu 128, 2·128·64 + 64 = 16,448, relu 64,
     * 2·64·10 + 10 = 1,290, softmax 5·10 = 50; dropout none (inference).
     */
    private static final long WIDE_PARAMS = 100_480 + 8_256 + 650;
    private static final long WIDE_FLOPS = 200_832 + 128 + 16_448 + 64 + 1_290 + 50;

    @TempDir
    Path tmp;

    @Test
    void wideDropoutHas109386ParametersAndItsHandCountedFlops() {
        Cli.Result r = Cli.run("summary", "--config", CONFIGS.resolve("wide-dropout.textproto").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(WIDE_PARAMS).isEqualTo(109_386);
        assertThat(r.out()).contains("hidden1", "drop2", "softmax")
                .containsPattern("total\\s+109,386\\s+218,812");
        assertThat(WIDE_FLOPS).isEqualTo(218_812);
    }

    @Test
    void jsonGivesEveryLayerAndTheTotals() {
        Cli.Result r = Cli.run("summary", "--json", "--config", CONFIGS.resolve("wide-dropout.textproto").toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(o.get("total_params").getAsLong()).isEqualTo(WIDE_PARAMS);
        assertThat(o.get("total_flops_per_sample").getAsLong()).isEqualTo(WIDE_FLOPS);
        JsonArray layers = o.getAsJsonArray("layers");
        assertThat(layers).hasSize(8);
        JsonObject hidden1 = layers.get(0).getAsJsonObject();
        assertThat(hidden1.get("type").getAsString()).isEqualTo("dense");
        assertThat(hidden1.get("params").getAsLong()).isEqualTo(100_480);
        assertThat(hidden1.get("flops_per_sample").getAsLong()).isEqualTo(200_832);
        assertThat(hidden1.getAsJsonArray("output_shape").get(0).getAsInt()).isEqualTo(128);
        assertThat(layers.get(2).getAsJsonObject().get("flops_per_sample").getAsLong()).isZero();
    }

    @Test
    void aDenseActivationOptionShowsAsItsOwnRowAndSetApplies() {
        Cli.Result r = Cli.run("summary", "--json", "--set", "network.layers[hidden].options.activation=tanh",
                "--set", "network.layers[relu].type=sigmoid");
        assertThat(r.code()).as(r.err()).isZero();
        JsonArray layers = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("layers");
        assertThat(layers.get(1).getAsJsonObject().get("name").getAsString()).isEqualTo("hidden.tanh");
        assertThat(layers.get(1).getAsJsonObject().get("type").getAsString()).isEqualTo("tanh");
        assertThat(layers.get(2).getAsJsonObject().get("type").getAsString()).isEqualTo("sigmoid");
    }

    @Test
    void aCheckpointIsSummarisedWithoutItsData() throws Exception {
        // a checkpoint of wide-dropout whose data (the bundled sample's path) is never opened: summary reads no data
        Path ckpt = tmp.resolve("wide.ckpt");
        try (InputStream in = getClass().getResourceAsStream("/dev/sinapse/apps/golden/wide-dropout-epoch1-v1.ckpt")) {
            Files.copy(in, ckpt);
        }
        Cli.Result r = Cli.run("summary", "--json", "--checkpoint", ckpt.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(o.get("total_params").getAsLong()).isEqualTo(WIDE_PARAMS);
        assertThat(o.get("total_flops_per_sample").getAsLong()).isEqualTo(WIDE_FLOPS);
    }

    @Test
    void configAndCheckpointTogetherAreOneLineAndExitTwo() {
        Cli.Result r = Cli.run("summary", "--config", "x.textproto", "--checkpoint", "y.ckpt");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("error: summary: give --config");
    }
}
