package dev.sinapse.io.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.SinapseException;
import dev.sinapse.io.proto.Cadence;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.io.proto.ScheduleUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigFilesTest {
    static final String TEXT = """
            # the article's network
            name: "mnist-784-10-10"
            data { path: "train.csv" shuffle_seed: 3 }
            network {
              layers { type: "dense" name: "hidden" options { key: "units" value: "10" } }
              layers { type: "relu" }
              layers { type: "dense" options { key: "units" value: "10" } }
              layers { type: "softmax" }
            }
            optimizer { type: "adam" learning_rate: 0.01 options { key: "beta1" value: "0.9" } }
            training { epochs: 500 batch_size: 32 early_stopping { patience: 3 } }
            """;

    static final String JSON = """
            {
              "name": "mnist-784-10-10",
              "data": {"path": "train.csv", "shuffle_seed": "3"},
              "network": {"layers": [
                {"type": "dense", "name": "hidden", "options": {"units": "10"}},
                {"type": "relu"},
                {"type": "dense", "options": {"units": "10"}},
                {"type": "softmax"}
              ]},
              "optimizer": {"type": "adam", "learningRate": 0.01, "options": {"beta1": "0.9"}},
              "training": {"epochs": 500, "batch_size": 32, "early_stopping": {"patience": 3}}
            }
            """;

    @TempDir
    Path dir;

    @Test
    void textAndJsonOfTheSameExperimentParseEqual() {
        Experiment text = ConfigFiles.parseText(TEXT, "exp.textproto");
        Experiment json = ConfigFiles.parseJson(JSON, "exp.json");
        assertThat(json).isEqualTo(text);
        assertThat(text.getNetwork().getLayers(0).getOptionsMap()).containsEntry("units", "10");
        assertThat(text.getOptimizer().getLearningRate()).isCloseTo(0.01, within(1e-12));
        assertThat(text.getData().getShuffleSeed()).isEqualTo(3L);
    }

    @Test
    void readsEachFileKindByItsExtension() throws IOException {
        Experiment expected = ConfigFiles.parseText(TEXT, "x");
        for (String name : new String[] {"a.textproto", "b.txtpb", "c.pbtxt", "d.prototxt"}) {
            assertThat(ConfigFiles.read(Files.writeString(dir.resolve(name), TEXT))).as(name).isEqualTo(expected);
        }
        assertThat(ConfigFiles.read(Files.writeString(dir.resolve("e.json"), JSON))).isEqualTo(expected);
        assertThat(ConfigFiles.read(Files.writeString(dir.resolve("bom.textproto"), "\uFEFF" + TEXT))).isEqualTo(expected);
    }

    @Test
    void rejectsAnUnknownExtensionListingTheAcceptedOnes() throws IOException {
        Path yaml = Files.writeString(dir.resolve("exp.yaml"), "name: x");
        assertThatThrownBy(() -> ConfigFiles.read(yaml))
                .isInstanceOf(SinapseException.class)
                .hasMessage(yaml + ": unknown config extension; expected one of .textproto, .txtpb, .pbtxt, .prototxt"
                        + " (text format) or .json");
    }

    @Test
    void refusesAConfigLargerThanSixteenMebibytesWithoutReadingIt() throws IOException {
        Path huge = dir.resolve("huge.textproto");
        try (var f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(4L << 30);   // sparse: 4 GiB long, nothing on disk
        }
        assertThatThrownBy(() -> ConfigFiles.read(huge)).isInstanceOf(SinapseException.class)
                .hasMessage(huge + ": larger than 16 MiB; a config is a few kilobytes of text");
    }

    @Test
    void reportsAMissingFile() {
        Path missing = dir.resolve("exp.textproto");
        assertThatThrownBy(() -> ConfigFiles.read(missing)).hasMessage(missing + ": file not found");
    }

    @Test
    void printedTextAndJsonParseBackEqual() {
        Experiment e = ConfigFiles.withDefaults(ConfigFiles.parseText(TEXT, "x"));
        assertThat(ConfigFiles.parseText(ConfigFiles.toText(e), "printed")).isEqualTo(e);
        assertThat(ConfigFiles.parseJson(ConfigFiles.toJson(e), "printed")).isEqualTo(e);
        assertThat(ConfigFiles.toJson(e)).contains("\"learning_rate\"").doesNotContain("learningRate");
    }

    /** The fields withDefaults fills when they are unset, by their config path. */
    private static Map<String, Object> defaultedFields(Experiment e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data.path", e.getData().getPath());
        m.put("data.label_column", e.getData().getLabelColumn());
        m.put("data.dev_rows", e.getData().getDevRows());
        m.put("data.pixel_scale", e.getData().getPixelScale());
        m.put("network.input_size", e.getNetwork().getInputSize());
        m.put("loss.type", e.getLoss().getType());
        m.put("optimizer.type", e.getOptimizer().getType());
        m.put("optimizer.learning_rate", e.getOptimizer().getLearningRate());
        m.put("optimizer.schedule.type", e.getOptimizer().getSchedule().getType());
        m.put("optimizer.schedule.unit", e.getOptimizer().getSchedule().getUnit());
        m.put("training.epochs", e.getTraining().getEpochs());
        m.put("training.log_every", e.getTraining().getLogEvery());
        m.put("training.eval_every", e.getTraining().getEvalEvery());
        m.put("training.batch_size", e.getTraining().getBatchSize());
        m.put("training.checkpoint_every_epochs", e.getTraining().getCheckpointEveryEpochs());
        m.put("training.early_stopping.restore_best", e.getTraining().getEarlyStopping().getRestoreBest());
        return m;
    }

    @Test
    void fillsEveryDocumentedDefault() {
        Experiment e = ConfigFiles.withDefaults(Experiment.getDefaultInstance());
        assertThat(defaultedFields(e)).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                entry("data.path", ""),
                entry("data.label_column", "label"),
                entry("data.dev_rows", 1000),
                entry("data.pixel_scale", 255f),
                entry("network.input_size", 784),
                entry("loss.type", "cross_entropy"),
                entry("optimizer.type", "sgd"),
                entry("optimizer.learning_rate", 0.1),
                entry("optimizer.schedule.type", "constant"),
                entry("optimizer.schedule.unit", ScheduleUnit.STEPS),
                entry("training.epochs", 1),
                entry("training.log_every", 10),
                entry("training.eval_every", Cadence.newBuilder().setEpochs(1).build()), // its own cadence, not log_every's
                entry("training.batch_size", 0), // full batch
                entry("training.checkpoint_every_epochs", 100), // full batch: every 100 steps
                entry("training.early_stopping.restore_best", true)));
    }

    @Test
    void miniBatchRunsSaveLastEveryEpochByDefault() {
        Experiment e = ConfigFiles.withDefaults(ConfigFiles.parseText("training { batch_size: 32 }", "x"));
        assertThat(e.getTraining().getCheckpointEveryEpochs()).isEqualTo(1);
    }

    @Test
    void keepsExplicitValuesEvenWhenTheyEqualZeroOrFalse() {
        Experiment e = ConfigFiles.withDefaults(ConfigFiles.parseText("""
                data { path: "../data/train.csv" label_column: "y" dev_rows: 0 pixel_scale: 1 }
                network { input_size: 10 }
                loss { type: "mse" }
                optimizer { type: "adam" learning_rate: 0.5 schedule { type: "step" unit: EPOCHS } }
                training { epochs: 7 log_every: 2 checkpoint_every_epochs: 3 eval_every { steps: 0 }
                           early_stopping { restore_best: false } }
                """, "x"));
        assertThat(defaultedFields(e)).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                entry("data.path", "../data/train.csv"),
                entry("data.label_column", "y"),
                entry("data.dev_rows", 0),
                entry("data.pixel_scale", 1f),
                entry("network.input_size", 10),
                entry("loss.type", "mse"),
                entry("optimizer.type", "adam"),
                entry("optimizer.learning_rate", 0.5),
                entry("optimizer.schedule.type", "step"),
                entry("optimizer.schedule.unit", ScheduleUnit.EPOCHS),
                entry("training.epochs", 7),
                entry("training.log_every", 2),
                entry("training.eval_every", Cadence.newBuilder().setSteps(0).build()), // kept, and refused by validate
                entry("training.batch_size", 0),
                entry("training.checkpoint_every_epochs", 3),
                entry("training.early_stopping.restore_best", false)));
    }

    @Test
    void reportsASyntaxErrorWithLineAndColumn() {
        String text = "name: \"x\"\ntraining {\n  epochs: ten\n}\n";
        // "  epochs: " is 10 characters, so the bad value starts in column 11 of line 3.
        assertThatThrownBy(() -> ConfigFiles.parseText(text, "exp.textproto"))
                .isInstanceOf(SinapseException.class)
                .hasMessageStartingWith("exp.textproto:3:11: ")
                .hasMessageContaining("ten")
                .hasMessageNotContaining("\n");
    }

    @Test
    void reportsAnUnknownFieldWithTheClosestName() {
        String text = "training {\n  epoch: 5\n}\n";
        assertThatThrownBy(() -> ConfigFiles.parseText(text, "exp.textproto"))
                .hasMessage("exp.textproto:2:3: unknown field 'epoch' in training (did you mean 'epochs'?)");
        assertThatThrownBy(() -> ConfigFiles.parseText("training { early_stopping { patiense: 2 } }", "e.pbtxt"))
                .hasMessage("e.pbtxt:1:29: unknown field 'patiense' in training.early_stopping (did you mean 'patience'?)");
        assertThatThrownBy(() -> ConfigFiles.parseText("colour: 3", "e.pbtxt"))
                .hasMessage("e.pbtxt:1:1: unknown field 'colour' in the experiment; its fields are name, data, network,"
                        + " loss, optimizer, training");
    }

    @Test
    void reportsAFieldSetTwice() {
        assertThatThrownBy(() -> ConfigFiles.parseText("training {\n  epochs: 5\n  epochs: 6\n}", "exp.textproto"))
                .hasMessageStartingWith("exp.textproto:3:")
                .hasMessageEndingWith(": training.epochs is set twice");
    }

    @Test
    void reportsJsonErrorsNamingTheFile() {
        assertThatThrownBy(() -> ConfigFiles.parseJson("{\"training\": {\"epoch\": 5}}", "exp.json"))
                .isInstanceOf(SinapseException.class)
                .hasMessage("exp.json: invalid config: unknown field 'epoch' in training (did you mean 'epochs'?)");
        assertThatThrownBy(() -> ConfigFiles.parseJson("{\"training\": {\"earlyStoping\": {}}}", "exp.json"))
                .hasMessage("exp.json: invalid config: unknown field 'earlyStoping' in training (did you mean"
                        + " 'early_stopping'?)");
        assertThatThrownBy(() -> ConfigFiles.parseJson("{\"training\": ", "exp.json"))
                .isInstanceOf(SinapseException.class)
                .hasMessageStartingWith("exp.json: invalid config: ")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> ConfigFiles.parseJson("{\"training\": {\"epochs\": \"ten\"}}", "exp.json"))
                .hasMessageStartingWith("exp.json: invalid config: ")
                .hasMessageContaining("ten");
    }

    @Test
    void acceptsAValidExperiment() {
        Experiment e = ConfigFiles.withDefaults(ConfigFiles.parseText(TEXT, "x"));
        ConfigFiles.validate(e);
        assertThat(e.getTraining().getEpochs()).isEqualTo(500);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("training { epochs: 0 }", "training.epochs must be a positive integer, got 0"),
                bad("optimizer { learning_rate: 0 }", "optimizer.learning_rate must be a positive number, got 0.0"),
                bad("optimizer { learning_rate: -0.5 }", "optimizer.learning_rate must be a positive number, got -0.5"),
                bad("optimizer { learning_rate: nan }", "optimizer.learning_rate must be a positive number, got NaN"),
                bad("training { batch_size: -1 }", "training.batch_size must be 0 (full batch) or a positive integer, got -1"),
                bad("data { dev_rows: -1 }", "data.dev_rows must be a non-negative integer, got -1"),
                bad("data { pixel_scale: 0 }", "data.pixel_scale must be a positive number, got 0.0"),
                bad("data { pixel_scale: nan }", "data.pixel_scale must be a positive number, got NaN"),
                bad("data { pixel_scale: 1e-40 }",
                        "data.pixel_scale must be a positive number that pixel 255 divided by it stays a finite float, got 1.0E-40"),
                bad("training { log_every: 0 }", "training.log_every must be a positive integer, got 0"),
                bad("training { eval_every { steps: 0 } }", "training.eval_every.steps must be a positive integer, got 0"),
                bad("training { eval_every { epochs: -1 } }", "training.eval_every.epochs must be a positive integer, got -1"),
                bad("training { weight_decay: -0.1 }", "training.weight_decay must be a number >= 0, got -0.1"),
                bad("training { clip_norm: -1 }", "training.clip_norm must be a number >= 0, got -1.0"),
                bad("training { threads: -2 }", "training.threads must be 0 (all cores) or a positive integer, got -2"),
                bad("training { early_stopping { patience: -1 } }",
                        "training.early_stopping.patience must be 0 (off) or a positive integer, got -1"),
                bad("training { keep_checkpoints: -1 }", "training.keep_checkpoints must be a non-negative integer, got -1"),
                bad("network { input_size: 0 }", "network.input_size must be a positive integer, got 0"),
                bad("network { input_size: 784 input_shape: [1, 27, 28] }",
                        "network.input_shape [1, 27, 28] holds 756 values, but network.input_size is 784"),
                bad("network { input_shape: [28, 28] }",
                        "network.input_shape must be three positive integers (channels, height, width), got [28, 28]"),
                bad("network { input_shape: [1, 0, 784] }",
                        "network.input_shape must be three positive integers (channels, height, width), got [1, 0, 784]"));
    }

    private static Arguments bad(String change, String message) {
        return Arguments.of(change, message);
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void validateNamesTheFieldWithABadValue(String change, String message) {
        Experiment base = ConfigFiles.parseText(TEXT, "x");
        Experiment e = ConfigFiles.withDefaults(base.toBuilder().mergeFrom(ConfigFiles.parseText(change, "change")).build());
        assertThatThrownBy(() -> ConfigFiles.validate(e)).isInstanceOf(SinapseException.class).hasMessage(message);
    }

    @Test
    void anInputShapeWithoutAnInputSizeGivesItsProduct() {
        Experiment e = ConfigFiles.withDefaults(ConfigFiles.parseText(
                "network { input_shape: [3, 32, 32] layers { type: \"dense\" options: { key: \"units\" value: \"10\" } } }", "x"));

        assertThat(e.getNetwork().getInputSize()).isEqualTo(3072);
        ConfigFiles.validate(e);
    }

    @Test
    void validateRequiresLayersEachWithATypeAndUniqueNames() {
        Experiment base = ConfigFiles.withDefaults(ConfigFiles.parseText(TEXT, "x"));
        UnaryOperator<Experiment.Builder> noLayers = b -> {
            b.getNetworkBuilder().clearLayers();
            return b;
        };
        assertThatThrownBy(() -> ConfigFiles.validate(noLayers.apply(base.toBuilder()).build()))
                .hasMessage("network.layers is empty: the network needs at least one layer");
        Experiment.Builder untyped = base.toBuilder();
        untyped.getNetworkBuilder().getLayersBuilder(2).setType("");
        assertThatThrownBy(() -> ConfigFiles.validate(untyped.build()))
                .hasMessage("network.layers[2].type is missing: every layer needs a type such as \"dense\"");
        Experiment.Builder twice = base.toBuilder();
        twice.getNetworkBuilder().getLayersBuilder(3).setName("hidden");
        assertThatThrownBy(() -> ConfigFiles.validate(twice.build()))
                .hasMessage("network.layers[3].name 'hidden' is used by an earlier layer; names must be unique");
    }
}
