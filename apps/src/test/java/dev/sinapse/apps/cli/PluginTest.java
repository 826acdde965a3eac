package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Module;
import dev.sinapse.apps.Injection;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.MetricRecord;
import dev.sinapse.io.proto.Tensor;
import dev.sinapse.plugin.prelu.PReluModule;
import dev.sinapse.plugin.swish.SwishModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worked plug-ins (test-scoped: {@code dev.sinapse.plugin.swish}, {@code dev.sinapse.plugin.prelu}) are found
 * through ServiceLoader and usable from a config at once, with their own checked options, with no change to
 * the core modules or the config schema.
 */
class PluginTest {
    @TempDir
    Path tmp;

    @Test
    void pluginModulesAreFoundThroughServiceLoader() {
        List<String> found = ServiceLoader.load(Module.class).stream().map(p -> p.type().getName()).toList();

        assertThat(found).contains(SwishModule.class.getName(), PReluModule.class.getName());
        assertThat(Injection.registries().activations().find("swish")).isPresent();
        assertThat(Injection.registries().layers().find("prelu")).isPresent();
    }

    @Test
    void layersListsThePluginsUnderTheirKinds() {
        Cli.Result r = Cli.run("layers");

        assertThat(r.code()).isZero();
        String layers = section(r.out(), "layers:"), activations = section(r.out(), "activations (usable as layers):");
        assertThat(activations).containsPattern("(?m)^  swish\\b.*beta");
        assertThat(layers).containsPattern("(?m)^  prelu\\b.*init_slope");
        assertThat(layers).doesNotContain("swish");
    }

    @Test
    void configUsingSwishWithAnOptionTrainsAndTheLossFalls() throws Exception {
        Checkpoint c = Cli.train(config("act", "swish", "beta", "1.5"), tmp.resolve("swish"));

        assertThat(c.getConfig().getNetwork().getLayers(1).getOptionsMap()).containsEntry("beta", "1.5");
        assertLossFalls(c.getHistoryList());
    }

    @Test
    void configUsingThePluginLayerTrainsAndLearnsItsParameter() throws Exception {
        Checkpoint c = Cli.train(config("act", "prelu", "init_slope", "0.1"), tmp.resolve("prelu"));

        assertLossFalls(c.getHistoryList());
        Tensor alpha = c.getParamsList().stream().filter(t -> t.getName().equals("act.alpha")).findFirst().orElseThrow();
        float[] slopes = Tensors.toMatrix(alpha).data();
        assertThat(slopes).hasSize(32);
        // started at 0.1 everywhere; the optimizer moved them
        double moved = 0;
        for (float s : slopes) {
            moved = Math.max(moved, Math.abs(s - 0.1f));
        }
        assertThat(moved).isGreaterThan(1e-3);
    }

    @Test
    void unknownOptionOfSwishIsRejectedNamingTheKnownOne() throws Exception {
        Cli.Result r = trainResult(config("act", "swish", "betta", "2"), tmp.resolve("bad"));

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().trim()).isEqualTo(
                "error: layer 'act' (swish): unknown option 'betta' (did you mean 'beta'?); known options: beta");
    }

    @Test
    void badValueOfSwishOptionIsRejectedNamingTheOption() throws Exception {
        Cli.Result r = trainResult(config("act", "swish", "beta", "-1"), tmp.resolve("bad"));

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("layer 'act' (swish): option 'beta' must be 0 or more, got -1.0");
    }

    private static void assertLossFalls(List<MetricRecord> history) {
        assertThat(history).hasSizeGreaterThanOrEqualTo(4);
        double first = history.get(0).getLoss(), last = history.get(history.size() - 1).getLoss();
        assertThat(last).isLessThan(0.7 * first);
        assertThat(history.get(history.size() - 1).getDevAccuracy()).isGreaterThan(0.5);   // chance is 0.1
    }

    private Cli.Result trainResult(Path config, Path out) {
        return Cli.run("train", "--quiet", "--config", config.toString(), "--out", out.toString());
    }

    /** 784 → dense(32) → the plug-in with one option → dense(10) → softmax, mini-batch Adam on 1,000 digits. */
    private Path config(String name, String type, String option, String value) throws Exception {
        Path data = Files.exists(tmp.resolve("digits-1200.csv")) ? tmp.resolve("digits-1200.csv") : Cli.smallCsv(tmp, 1200);
        return Cli.config(tmp, type + "-" + option, data,
                "layers { name: \"%s\" type: \"%s\" options: [{ key: \"%s\" value: \"%s\" }] }".formatted(name, type, option, value), """
                optimizer { type: "adam" learning_rate: 0.003 }
                training { epochs: 3 batch_size: 50 log_every: 10 }
                """);
    }

    /** The lines of one section of the `layers` output, from its title to the next blank line. */
    private static String section(String out, String title) {
        int from = out.indexOf(title);
        assertThat(from).as("section '%s' in:%n%s", title, out).isGreaterThanOrEqualTo(0);
        int to = out.indexOf("\n\n", from);
        return out.substring(from, to < 0 ? out.length() : to);
    }
}
