package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.GradientCheck;
import dev.sinapse.api.Initializer;
import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Optimizer;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Registry;
import dev.sinapse.api.Rng;
import dev.sinapse.api.Schedule;
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
import dev.sinapse.layers.NetworkBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The contract every registered type passes, built-ins and plug-ins alike: the types are enumerated from the
 * registries the command line uses ({@link Injection#registries()}), so a new type, or a plug-in found on the
 * class path, is checked here without a line of test code.
 * <ul>
 * <li>layers and activations: backward matches finite differences; their state survives save and load; and a
 * small network containing them, trained two steps from a config, saved to a checkpoint file and restored into
 * a fresh trainer, gives bitwise the same outputs and continues bitwise the same;</li>
 * <li>losses: the gradient (and the closed form through softmax, if any) matches finite differences;</li>
 * <li>optimizers: a state saved and restored mid-run continues bitwise the same;</li>
 * <li>initializers: fill every element, deterministically from the seed;</li>
 * <li>schedules: give a finite positive rate, the same for the same step.</li>
 * </ul>
 */
class ContractTest {
    /**
     * Options a type cannot be built without. A type missing here is built with none; if that fails, the test
     * says to add an entry. Values are minimal, not tuned.
     */
    static final Map<String, Map<String, String>> REQUIRED_OPTIONS = Map.of(
            "dense", Map.of("units", "3"),
            "conv2d", Map.of("filters", "2", "kernel_size", "2"),
            "reshape", Map.of("shape", "32"),
            "step", Map.of("step_size", "10"),
            "cosine", Map.of("total_steps", "100"));

    /**
     * Every type is checked on samples of 2 channels of 4 × 4 (32 features): image layers (conv2d, max_pool) need the
     * shape, and the others see 32 features as any other.
     */
    private static final int[] IMAGE = {2, 4, 4};
    private static final int FEATURES = 32;
    private static final Registries REGISTRIES = Injection.registries();

    @TempDir
    static Path tmp;

    @Test
    void theContractCoversThePluginsAndEveryKindOfType() {
        assertThat(layerKeys()).contains("dense", "softmax", "relu", "swish", "prelu");
        for (Registry<?> r : List.of(REGISTRIES.losses(), REGISTRIES.optimizers(), REGISTRIES.initializers(), REGISTRIES.schedules())) {
            assertThat(r.entries()).as(r.kind()).isNotEmpty();
        }
    }

    @Test
    void everyEntryOfTheRequiredOptionsTableNamesARegisteredType() {
        TreeSet<String> all = new TreeSet<>();
        REGISTRIES.all().forEach(r -> all.addAll(r.entries().keySet()));

        assertThat(all).containsAll(REQUIRED_OPTIONS.keySet());
    }

    // ---- layers and activations

    @TestFactory
    Stream<DynamicTest> everyLayerAndActivationMatchesItsNumericalGradient() {
        return layerKeys().stream().map(key -> dynamicTest(key, () -> {
            Layer layer = single(key, 11);
            GradientCheck.checkLayer(layer, GradientCheck.spaced(4, FEATURES, 12), 2e-2);
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyLayerAndActivationRestoresItsSavedState() {
        return layerKeys().stream().map(key -> dynamicTest(key, () -> {
            Layer trained = single(key, 21);
            Pass training = GradientCheck.pass();
            for (int i = 0; i < 3; i++) {
                // training passes move whatever state the layer keeps (batch_norm's running statistics)
                trained.forward(GradientCheck.random(8, FEATURES, 30 + i), training);
            }
            NamedState saved = Tensors.toProto(trained.name(), trained.state());   // as a checkpoint stores it
            Layer fresh = single(key, 21);                                         // same seed: same parameters

            fresh.restore(Tensors.toState(saved));

            assertThat(Tensors.toProto(fresh.name(), fresh.state())).isEqualTo(saved);
            Matrix X = GradientCheck.random(4, FEATURES, 40);
            assertThat(fresh.forward(X.copy(), inference())).isEqualTo(trained.forward(X.copy(), inference()));
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyLayerAndActivationSurvivesACheckpointOfATrainedNetwork() throws IOException {
        Path digits = Cli.smallCsv(tmp, 80);
        return layerKeys().stream().map(key -> dynamicTest(key, () -> {
            Experiments.Loaded loaded = Experiments.resolve(ConfigFiles.parseText(tinyNetworkConfig(key, digits), key + ".textproto"),
                    List.of(), tmp, key + ".textproto");
            Experiments.Split split = Experiments.split(Experiments.loadData(loaded).rows(), loaded.experiment().getData());
            // the config carries the options; create() only turns a failure into the advice to add some
            Trainer original = create(key, given -> Trainer.create(loaded.experiment(), REGISTRIES, split, Injection.kernels(), 1));
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

    // ---- losses

    @TestFactory
    Stream<DynamicTest> everyLossMatchesItsNumericalGradient() {
        int[] y = {0, 2, 4, 1};
        return keys(REGISTRIES.losses()).map(key -> dynamicTest(key, () -> {
            Loss loss = fromFactory(key, options -> REGISTRIES.losses().get(key, "loss").create(options));
            // probability-like outputs in [0.3, 1]: inside the domain of every loss (log, squares)
            Matrix A = GradientCheck.random(4, FEATURES, 50);
            A.scaleInPlace(0.35f);
            for (int i = 0; i < A.size(); i++) {
                A.data()[i] += 0.65f;
            }
            GradientCheck.checkLoss(loss, A, y, 1e-2);
            if (loss.gradientThroughSoftmax(A.copy(), y).isPresent()) {
                GradientCheck.checkThroughSoftmax(loss, single("softmax", 0), GradientCheck.random(4, FEATURES, 51), y, 1e-2);
            }
        }));
    }

    // ---- optimizers

    @TestFactory
    Stream<DynamicTest> everyOptimizerContinuesBitwiseTheSameFromItsSavedState() {
        return keys(REGISTRIES.optimizers()).flatMap(key -> Stream.of(0, 3).map(split -> dynamicTest(key + " saved after " + split + " steps", () -> {
            List<Param> params = List.of(new Param("w", GradientCheck.random(3, 4, 60), true),
                    new Param("b", GradientCheck.random(1, 4, 61), false));
            Optimizer first = optimizer(key);
            for (int t = 0; t < split; t++) {
                step(first, params, t);
            }
            NamedState saved = Tensors.toProto("optimizer", first.state());
            List<Param> copies = new ArrayList<>();
            for (Param p : params) {
                copies.add(new Param(p.name(), p.value().copy(), p.decays()));
            }
            Optimizer second = optimizer(key);
            second.restore(Tensors.toState(saved));
            Matrix before = params.get(0).value().copy();

            for (int t = split; t < split + 3; t++) {
                step(first, params, t);
                step(second, copies, t);
            }

            assertThat(params.get(0).value()).as("the optimizer moved the weights").isNotEqualTo(before);
            for (int i = 0; i < params.size(); i++) {
                assertThat(copies.get(i).value()).isEqualTo(params.get(i).value());
            }
            assertThat(Tensors.toProto("optimizer", second.state())).isEqualTo(Tensors.toProto("optimizer", first.state()));
        })));
    }

    // ---- initializers

    @TestFactory
    Stream<DynamicTest> everyInitializerFillsEveryElementDeterministicallyFromTheSeed() {
        return keys(REGISTRIES.initializers()).map(key -> dynamicTest(key, () -> {
            Initializer init = fromFactory(key, options -> REGISTRIES.initializers().get(key, "initializer").create(options));
            Matrix a = nans(6, FEATURES), b = nans(6, FEATURES);
            Rng ra = new Rng(7), rb = new Rng(7);

            init.fill(a, FEATURES, 6, ra);
            init.fill(b, FEATURES, 6, rb);

            assertThat(a.allFinite()).as("every element written, none NaN or infinite: %s", a).isTrue();
            assertThat(b).isEqualTo(a);
            assertThat(rb.state()).isEqualTo(ra.state());
        }));
    }

    // ---- schedules

    @TestFactory
    Stream<DynamicTest> everyScheduleGivesAFinitePositiveRateThatDependsOnlyOnTheStep() {
        return keys(REGISTRIES.schedules()).map(key -> dynamicTest(key, () -> {
            Schedule schedule = fromFactory(key, options -> REGISTRIES.schedules().get(key, "schedule").create(options));
            for (long t : new long[] {0, 1, 5, 50}) {
                double rate = schedule.rate(t, 0.1);
                assertThat(rate).as("rate at step %d", t).isFinite().isPositive();
                schedule.rate(t + 7, 0.1);
                assertThat(schedule.rate(t, 0.1)).as("rate at step %d asked again", t).isEqualTo(rate);
            }
        }));
    }

    // ---- helpers

    static List<String> layerKeys() {
        TreeSet<String> keys = new TreeSet<>(REGISTRIES.layers().entries().keySet());
        keys.addAll(REGISTRIES.activations().entries().keySet());
        return List.copyOf(keys);
    }

    private static Stream<String> keys(Registry<?> registry) {
        return registry.entries().keySet().stream();
    }

    /** One layer of type {@code key} named "subject" on {@link #IMAGE} inputs, built the way a config builds it. */
    private static Layer single(String key, long seed) {
        return create(key, options -> new NetworkBuilder(REGISTRIES)
                .build(IMAGE, List.of(new LayerSpec(key, "subject", options)), new Rng(seed)).layers().get(0));
    }

    private static Optimizer optimizer(String key) {
        return fromFactory(key, options -> REGISTRIES.optimizers().get(key, "optimizer").create(options));
    }

    /** Builds {@code key} with its entry of {@link #REQUIRED_OPTIONS}, or none; a failure says what to add. */
    private static <T> T create(String key, Function<Map<String, String>, T> make) {
        Map<String, String> given = REQUIRED_OPTIONS.getOrDefault(key, Map.of());
        try {
            return make.apply(given);
        } catch (SinapseException e) {
            return fail("'%s' cannot be built with %s: %s%nIf it needs options, add its minimal ones to "
                    + "ContractTest.REQUIRED_OPTIONS.", key, given.isEmpty() ? "no options" : "options " + given, e.getMessage());
        }
    }

    /** {@link #create} through a factory that reads {@link Options}, rejecting options it did not read. */
    private static <T> T fromFactory(String key, Function<Options, T> factory) {
        return create(key, given -> {
            Options options = new Options("'" + key + "'", given);
            T made = factory.apply(options);
            options.requireAllUsed();
            return made;
        });
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

    /** Gradients that depend only on the step and the parameter, so two optimizers see the same ones. */
    private static void step(Optimizer optimizer, List<Param> params, int t) {
        for (int i = 0; i < params.size(); i++) {
            Matrix g = params.get(i).grad();
            g.setTo(GradientCheck.random(g.rows(), g.cols(), 1000 + 10L * t + i));
        }
        optimizer.step(params, 0.01);
    }

    private static Matrix nans(int rows, int cols) {
        Matrix M = new Matrix(rows, cols);
        M.fill(Float.NaN);
        return M;
    }
}
