package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Registry;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.training.Checkpoints;
import dev.sinapse.apps.training.Trainer;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.NamedState;
import dev.sinapse.io.proto.Provenance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kit's contract ({@link dev.sinapse.testkit.ContractTest}) over the registries the command line uses
 * ({@link Injection#registries()}): every built-in type and every plug-in found on the class path is checked
 * without a line of test code. On top of the kit's checks, the one that needs the trainer: a small network
 * containing each layer and activation, trained two steps from a config, saved to a checkpoint file and restored
 * into a fresh trainer, gives bitwise the same outputs and continues bitwise the same.
 */
class ContractTest extends dev.sinapse.testkit.ContractTest {
    /** Options a type cannot be built without. Values are minimal, not tuned. */
    static final Map<String, Map<String, String>> REQUIRED_OPTIONS = Map.of(
            "dense", Map.of("units", "3"),
            "conv2d", Map.of("filters", "2", "kernel_size", "2"),
            "reshape", Map.of("shape", "32"),
            "step", Map.of("step_size", "10"),
            "cosine", Map.of("total_steps", "100"));

    private static final Registries REGISTRIES = Injection.registries();

    @TempDir
    static Path tmp;

    @Override
    protected Registries registries() {
        return REGISTRIES;
    }

    @Override
    protected Map<String, Map<String, String>> requiredOptions() {
        return REQUIRED_OPTIONS;
    }

    @Test
    void theContractCoversThePluginsAndEveryKindOfType() {
        assertThat(layerKeys()).contains("dense", "softmax", "relu", "swish", "prelu");
        for (Registry<?> r : List.of(REGISTRIES.losses(), REGISTRIES.optimizers(), REGISTRIES.initializers(), REGISTRIES.schedules())) {
            assertThat(r.entries()).as(r.kind()).isNotEmpty();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyLayerAndActivationSurvivesACheckpointOfATrainedNetwork() throws IOException {
        Path digits = Cli.smallCsv(tmp, 80);
        return layerKeys().stream().map(key -> dynamicTest(key, () -> {
            Experiments.Loaded loaded = Experiments.resolve(ConfigFiles.parseText(tinyNetworkConfig(key, digits), key + ".textproto"),
                    List.of(), tmp, key + ".textproto");
            Experiments.Split split = Experiments.split(Experiments.loadData(loaded).rows(), loaded.experiment().getData());
            // the config carries the options; create() only turns a failure into the advice to add some
            Trainer original = build(key, given -> Trainer.create(loaded.experiment(), REGISTRIES, split, Injection.kernels(), 1));
            // 40 training rows in batches of 20 for 2 epochs: 4 steps; stop after the first, mid-epoch
            original.run(new Trainer.Listener() { }, () -> original.step() >= 1);
            assertThat(original.step()).isEqualTo(1);

            Path file = tmp.resolve(key + ".ckpt");
            CheckpointFile.write(file, Checkpoints.snapshot(original, Provenance.getDefaultInstance()));
            Checkpoint c = CheckpointFile.read(file);
            Experiments.Loaded again = Experiments.resolve(c.getConfig(), List.of(), tmp, file.toString());
            Trainer restored = Trainer.create(again.experiment(), REGISTRIES, split, Injection.kernels(), 1);
            Checkpoints.restore(restored, c, file);

            assertThat(outputs(restored, split.dev())).as("dev outputs right after the restore")
                    .isEqualTo(outputs(original, split.dev()));
            original.run(new Trainer.Listener() { }, () -> false);
            restored.run(new Trainer.Listener() { }, () -> false);
            assertThat(restored.step()).isEqualTo(original.step()).isEqualTo(4);
            assertThat(values(restored)).as("parameters after 3 more steps").isEqualTo(values(original));
            assertThat(layerStates(restored)).as("layer states after 3 more steps").isEqualTo(layerStates(original));
            assertThat(outputs(restored, split.dev())).as("dev outputs after 3 more steps")
                    .isEqualTo(outputs(original, split.dev()));
        }));
    }

    // ---- helpers

    static List<String> layerKeys() {
        TreeSet<String> keys = new TreeSet<>(REGISTRIES.layers().entries().keySet());
        keys.addAll(REGISTRIES.activations().entries().keySet());
        return List.copyOf(keys);
    }

    /** Builds {@code key} with its entry of {@link #REQUIRED_OPTIONS}, or none; a failure says what to add. */
    private static <T> T build(String key, Function<Map<String, String>, T> make) {
        Map<String, String> given = REQUIRED_OPTIONS.getOrDefault(key, Map.of());
        try {
            return make.apply(given);
        } catch (SinapseException e) {
            return fail("'%s' cannot be built with %s: %s%nIf it needs options, add its minimal ones to "
                    + "ContractTest.REQUIRED_OPTIONS.", key, given.isEmpty() ? "no options" : "options " + given, e.getMessage());
        }
    }

    /** 784 → dense(32) read as 2 × 4 × 4 → the subject → dense(10) → softmax, mini-batch Adam on 40 training rows of {@code digits}. */
    private static String tinyNetworkConfig(String key, Path digits) {
        String options = REQUIRED_OPTIONS.getOrDefault(key, Map.of()).entrySet().stream()
                .map(e -> "{ key: \"" + e.getKey() + "\" value: \"" + e.getValue() + "\" }")
                .collect(Collectors.joining(", ", "[", "]"));
        return """
                name: "contract-%s"
                data { path: "%s" dev_rows: 40 }
                network {
                  input_size: 784
                  layers { name: "before" type: "dense" options: [{ key: "units" value: "32" }] }
                  layers { name: "image" type: "reshape" options: [{ key: "shape" value: "2,4,4" }] }
                  layers { name: "subject" type: "%s" options: %s }
                  layers { name: "output" type: "dense" options: [{ key: "units" value: "10" }] }
                  layers { name: "softmax" type: "softmax" }
                }
                optimizer { type: "adam" learning_rate: 0.01 }
                training { epochs: 2 batch_size: 20 log_every: 1 seed: 5 }
                """.formatted(key, digits.toAbsolutePath(), key, options);
    }

    private static Pass inference() {
        return Pass.inference(Compute.serial());
    }

    private static Matrix outputs(Trainer t, Dataset data) {
        return t.network().forward(data.batch(data.naturalOrder(), 0, data.size(), 1 / 255f), inference());
    }

    private static List<Matrix> values(Trainer t) {
        return t.network().params().stream().map(Param::value).toList();
    }

    private static List<NamedState> layerStates(Trainer t) {
        return t.network().layers().stream().map(l -> Tensors.toProto(l.name(), l.state())).toList();
    }
}
