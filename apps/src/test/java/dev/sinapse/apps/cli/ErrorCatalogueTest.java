package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import dev.sinapse.api.Identity;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Registries;
import dev.sinapse.api.SameSize;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.training.Metrics;
import dev.sinapse.apps.cli.Main;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.CheckpointFormat;
import dev.sinapse.io.proto.BestMetric;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.NamedState;
import dev.sinapse.io.proto.OptimizerState;
import dev.sinapse.io.proto.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The error catalogue of the README, entry by entry, through the real command-line entry point: each mistake
 * gives exit code 2, one line on stderr naming the file and line, the field or the flag and what was expected,
 * no stack trace, and nothing on stdout that looks like a finished run. The expected messages are built from
 * what each test broke (which line, which column, which value), not copied from a run.
 */
class ErrorCatalogueTest {
    /** The data rows of the small CSV: line 1 is the header, so data row k is line k + 1. */
    private static final int ROWS = 300;
    /** How an unknown-type message ends when no plug-in jar was loaded (the worked plug-ins come from the class path). */
    private static final String NO_PLUGINS = "plug-ins come from jars on the plug-in path (--plugins DIR, SINAPSE_PLUGINS or "
            + "./plugins); loaded: none";

    @TempDir
    static Path tmp;
    static Path csv;
    static List<String> csvLines;
    static Path config;
    static Path checkpoint;

    @BeforeAll
    static void trainOneSmallRun() throws IOException {
        csv = Cli.smallCsv(tmp, ROWS);
        csvLines = Files.readAllLines(csv);
        config = Cli.articleConfig(tmp, csv, "good", "");
        Cli.Result r = Cli.run("train", "--quiet", "--config", config.toString(), "--out", tmp.resolve("good-run").toString(),
                "--set", "training.epochs=2");
        assertThat(r.code()).as(r.err()).isZero();
        checkpoint = tmp.resolve("good-run").resolve("last.ckpt");
    }

    // ---- CSV -------------------------------------------------------------------------------------------------

    @Test
    void csvMissingFileIsNamed() throws IOException {
        Path missing = tmp.resolve("no-such-digits.csv");
        assertThat(trainOn(missing)).isEqualTo(missing + ": file not found");
    }

    @Test
    void csvEmptyFileAsksForTheHeader() throws IOException {
        Path empty = write("empty.csv", List.of());
        assertThat(trainOn(empty)).isEqualTo(empty + ": the file is empty (expected a header line label,pixel0,...)");
    }

    @Test
    void csvHeaderOnlyHasNoRows() throws IOException {
        Path header = write("header-only.csv", csvLines.subList(0, 1));
        assertThat(trainOn(header)).isEqualTo(header + ": no data rows after the header");
    }

    @Test
    void csvWrongNumberOfColumnsNamesTheLine() throws IOException {
        int line = 6;
        Path bad = withLine("short-row.csv", line, l -> l.substring(0, l.lastIndexOf(',')));
        int columns = csvLines.get(0).split(",").length;
        assertThat(trainOn(bad)).isEqualTo(bad + " line " + line + ": expected " + columns + " columns, found " + (columns - 1));
    }

    /** Cell {@code column} (0 is the label) of line {@code line} set to {@code value}, in a file named {@code file}. */
    @ParameterizedTest(name = "{0}: {4}")
    @CsvSource(delimiter = '|', textBlock = """
            word.csv    | 4 | 1   | x7  | column pixel0: expected an integer 0..255, found 'x7'
            decimal.csv | 9 | 3   | 0.5 | column pixel2: expected an integer 0..255, found '0.5'
            label.csv   | 4 | 0   | 12  | column label: label 12 outside 0..9
            pixel.csv   | 7 | 101 | 256 | column pixel100: pixel 256 outside 0..255
            """)
    void csvBadCellNamesLineColumnAndValue(String file, int line, int column, String value, String message) throws IOException {
        Path bad = withLine(file, line, l -> setCell(l, column, value));
        assertThat(trainOn(bad)).isEqualTo(bad + " line " + line + ", " + message);
    }

    @Test
    void csvWithByteOrderMarkAndCrlfTrainsExactlyLikeThePlainFile() throws IOException {
        Path windows = tmp.resolve("windows.csv");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bytes.write((String.join("\r\n", csvLines) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        Files.write(windows, bytes.toByteArray());
        Path out = tmp.resolve("windows-run");
        Cli.Result r = Cli.run("train", "--quiet", "--config", Cli.articleConfig(tmp, windows, "windows", "").toString(),
                "--out", out.toString(), "--set", "training.epochs=2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        Checkpoint plain = CheckpointFile.read(checkpoint), crlf = CheckpointFile.read(out.resolve("last.ckpt"));
        assertThat(crlf.getProvenance().getTrainRows()).isEqualTo(plain.getProvenance().getTrainRows()).isEqualTo(ROWS - 200);
        assertThat(crlf.getParamsList()).isEqualTo(plain.getParamsList());
    }

    @Test
    void csvTruncatedGzipNamesTheLineWhereTheDataStops() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write((String.join("\n", csvLines) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        byte[] cut = Arrays.copyOf(gz.toByteArray(), gz.size() / 3);
        Path truncated = tmp.resolve("cut.csv.gz");
        Files.write(truncated, cut);
        assertThat(trainOn(truncated)).isEqualTo(truncated + ": the gzip stream is truncated or corrupt (line "
                + (1 + newlinesBeforeTheBreak(cut)) + ")");
    }

    @Test
    void csvLabelColumnInAnotherCaseIsExplained() throws IOException {
        Path capital = withLine("capital-label.csv", 1, l -> l.replaceFirst("^label,", "Label,"));
        String message = capital + " line 1: the header has no 'label' column but has 'Label'; column names must match"
                + " exactly (case and spaces): rename it 'label'";
        assertThat(trainOn(capital)).isEqualTo(message);
        // evaluate once said "the header has 785 pixel columns, but the model ... takes 784 inputs"
        assertThat(userError(Cli.run("evaluate", "--checkpoint", checkpoint.toString(), "--data", capital.toString()), 1).get(0))
                .isEqualTo("error: " + message);
    }

    @Test
    void csvLineLongerThanTheBoundNamesItsLine() throws IOException {
        // 1,048,576 characters: 262,144 pixels of three digits and their commas; the line is one past that
        Path wide = withLine("wide.csv", 5, l -> l + ",0".repeat((1 << 19) - l.length() / 2 + 1));
        assertThat(trainOn(wide)).isEqualTo(wide + " line 5: longer than 1048576 characters; expected one image per line"
                + " (a few thousand characters)");
    }

    @Test
    void idxImagesWithoutTheirLabelsFileNameTheFileLookedFor() throws IOException {
        Path images = tmp.resolve("tiny-images-idx3-ubyte");
        ByteBuffer b = ByteBuffer.allocate(16 + 2 * 784).putInt(0x803).putInt(2).putInt(28).putInt(28);
        Files.write(images, b.array());
        assertThat(trainOn(images)).isEqualTo(tmp.resolve("tiny-labels-idx1-ubyte") + ": file not found");
    }

    @Test
    void dataWiderThanTheNetworkInput() throws IOException {
        assertThat(trainWith(config, "--set", "network.input_size=100"))
                .isEqualTo(csv + ": rows have 784 features, but network.input_size is 100");
    }

    // ---- config ----------------------------------------------------------------------------------------------

    /**
     * The article config with {@code from} replaced by {@code to}: the message starts with the file, the line and the
     * column where the parser gave up ({@code linesAfter} lines after the edited one), and says what it expected.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # column 9: the first character after "  type: "
            syntax | '  type: "sgd"'     | '  type: sgd"'       | 0 | 9  | Expected
            # the parser notices on the line after the stray brace
            brace  | learning_rate: 0.1  | learning_rate: 0.1 } | 1 | 1  | Expected identifier
            nan    | learning_rate: 0.1  | learning_rate: fast  | 0 | 18 | fast
            """)
    void configSyntaxErrorNamesLineAndColumn(String name, String from, String to, int linesAfter, int column, String what)
            throws IOException {
        Path bad = editedConfig(name, t -> t.replace(from, to));
        int line = lineOf(bad, to) + linesAfter;
        assertThat(trainWith(bad)).startsWith(bad + ":" + line + ":" + column + ": ").contains(what);
    }

    @Test
    void configUnknownFieldSuggestsTheClosest() throws IOException {
        Path bad = Cli.articleConfig(tmp, csv, "typo", "trainig { epochs: 3 }");
        int line = lineOf(bad, "trainig {");
        assertThat(trainWith(bad)).isEqualTo(bad + ":" + line + ":1: unknown field 'trainig' in the experiment (did you mean 'training'?)");
    }

    @Test
    void configFieldSetTwice() throws IOException {
        Path bad = Cli.articleConfig(tmp, csv, "twice", "training { epochs: 3 }");
        assertThat(trainWith(bad)).isEqualTo(bad + ":" + lineOf(bad, "training { epochs: 3 }") + ":1: training is set twice");
    }

    @Test
    void configFileMissingOrOfUnknownKind() {
        Path missing = tmp.resolve("nothing.textproto");
        assertThat(trainWith(missing)).isEqualTo(missing + ": file not found");
        assertThat(trainWith(csv)).isEqualTo(csv + ": unknown config extension; expected one of .textproto, .txtpb, .pbtxt, .prototxt (text format) or .json");
    }

    @Test
    void jsonConfigCutShort() throws IOException {
        Path bad = tmp.resolve("cut.json");
        Files.writeString(bad, "{\"network\": {\"layers\": [{\"type\": \"dense\"}]\n");
        assertThat(trainWith(bad)).startsWith(bad + ": invalid config: ").contains("line 2");
    }

    @Test
    void unknownLayerTypeListsTheKnownOnesAndTheClosest() throws IOException {
        Path bad = editedConfig("dens", t -> t.replaceFirst("type: \"dense\"", "type: \"dens\""));
        Registries reg = Injection.registries();
        TreeSet<String> known = new TreeSet<>(reg.layers().entries().keySet());
        known.addAll(reg.activations().entries().keySet());
        assertThat(trainWith(bad)).isEqualTo("network.layers[0].type: unknown layer or activation 'dens' (did you mean 'dense'?); "
                + "installed: " + String.join(", ", known) + "; " + NO_PLUGINS);
    }

    @Test
    void unknownOptimizerTypeListsTheKnownOnesAndTheClosest() {
        TreeSet<String> known = new TreeSet<>(Injection.registries().optimizers().entries().keySet());
        assertThat(trainWith(config, "--set", "optimizer.type=adamm"))
                .isEqualTo("optimizer.type: unknown optimizer 'adamm' (did you mean 'adam'?); installed: " + String.join(", ", known)
                        + "; " + NO_PLUGINS);
    }

    @Test
    void unknownLayerOptionListsTheLayersOptions() throws IOException {
        Path bad = editedConfig("extra-option", t -> t.replaceFirst("\\{ key: \"units\" value: \"10\" },",
                "{ key: \"units\" value: \"10\" }, { key: \"dropout\" value: \"0.5\" },"));
        assertThat(trainWith(bad)).isEqualTo("layer 'hidden' (dense): unknown option 'dropout'; known options: bias_init, init, units");
    }

    @Test
    void layerSizesThatDoNotChainNameBothSizes() throws Exception {
        // Built-in layers take their input size from the layer before (dense has no input option), so only a
        // layer with a fixed input can break the chain: a plug-in found on the class path, as a user would add one.
        Path bad = editedConfig("chain", t -> t.replace("layers { name: \"relu\" type: \"relu\" }",
                "layers { name: \"fixed\" type: \"fixed_input\" options: [ { key: \"inputs\" value: \"784\" } ] }"));
        Path services = tmp.resolve("plugin").resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve("com.google.inject.Module"), FixedInputPlugin.class.getName() + "\n");
        Thread me = Thread.currentThread();
        ClassLoader before = me.getContextClassLoader();
        try (URLClassLoader withPlugin = new URLClassLoader(new URL[] {tmp.resolve("plugin").toUri().toURL()}, before)) {
            me.setContextClassLoader(withPlugin);
            assertThat(trainWith(bad)).isEqualTo("layer 'fixed' (fixed_input): takes 784 inputs, but the layer before gives 10");
        } finally {
            me.setContextClassLoader(before);
        }
    }

    @Test
    void aLastLayerTooSmallForAClassifier() {
        assertThat(trainWith(config, "--set", "network.layers[2].options.units=1"))
                .isEqualTo("network: the last layer gives 1 outputs; a classifier needs one per class");
    }

    @Test
    void fewerOutputsThanLabelsNamesTheLabelAndTheOutputs() {
        // checked before training starts, against the largest label of the data
        assertThat(trainWith(config, "--set", "network.layers[2].options.units=5"))
                .matches("network: the last layer gives 5 outputs, but .* has labels up to 9; give the last dense layer units: 10");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            network.layers[0].options.units=0   | layer 'hidden' (dense): option 'units' must be a positive integer, got 0
            network.layers[0].options.units=-3  | layer 'hidden' (dense): option 'units' must be a positive integer, got -3
            network.layers[0].options.units=ten | layer 'hidden' (dense): option 'units' must be an integer, got 'ten'
            network.input_size=0                | network.input_size must be a positive integer, got 0
            training.batch_size=-1              | training.batch_size must be 0 (full batch) or a positive integer, got -1
            training.epochs=0                   | training.epochs must be a positive integer, got 0
            """)
    void nonPositiveSizesNameTheField(String set, String message) {
        assertThat(trainWith(config, "--set", set)).isEqualTo(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0.1"})
    void learningRateMustBePositive(String rate) {
        assertThat(trainWith(config, "--set", "optimizer.learning_rate=" + rate))
                .isEqualTo("optimizer.learning_rate must be a positive number, got " + Double.parseDouble(rate));
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // unchecked, the run never finished a step
    void threadCountsBeyondFourPerCoreAreRefusedBeforeAnyThreadStarts() {
        int cores = Runtime.getRuntime().availableProcessors();
        String bound = " must be 0 (all cores) or 1.." + 4 * cores + " (4 per core; this machine has " + cores + "), got 100000";
        assertThat(trainWith(config, "--set", "training.threads=100000")).isEqualTo("training.threads" + bound);
        assertThat(userError(Cli.run("bench", "--config", config.toString(), "--threads", "100000"), 1).get(0))
                .isEqualTo("error: --threads" + bound);
    }

    @Test
    void overrideOfAnUnknownFieldSuggestsTheClosest() {
        assertThat(trainWith(config, "--set", "training.epochz=3"))
                .isEqualTo("--set training.epochz=3: unknown field 'epochz' in training (did you mean 'epochs'?)");
        assertThat(trainWith(config, "--set", "epochs"))
                .isEqualTo("--set epochs: expected path=value, e.g. training.epochs=50");
    }

    // ---- checkpoint ------------------------------------------------------------------------------------------

    /** The commands that read a checkpoint before anything else: train --resume and inspect. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest
    @ValueSource(strings = {"train", "inspect"})
    @interface ByTrainAndInspect {
    }

    @ByTrainAndInspect
    void checkpointTruncatedSaysByHowMuch(String command) throws IOException {
        byte[] good = Files.readAllBytes(checkpoint);
        int header = 52;   // magic 8, version 4, length 8, SHA-256 32 (the layout documented in CheckpointFile)
        assertLoadFails(command, "cut", Arrays.copyOf(good, good.length - 100), cut -> cut + ": truncated or damaged: the header promises "
                + (good.length - header) + " payload bytes, the file holds " + (good.length - header - 100));
    }

    @ByTrainAndInspect
    void checkpointWithAFlippedByteFailsItsChecksum(String command) throws IOException {
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[bytes.length / 2] ^= 0x10;
        assertLoadFails(command, "flipped", bytes, flipped -> flipped + ": checksum mismatch: the file is damaged");
    }

    @ByTrainAndInspect
    void randomBytesAreNotACheckpoint(String command) throws IOException {
        byte[] bytes = new byte[4096];
        new Random(7).nextBytes(bytes);
        bytes[0] = 'P';   // the magic starts with 0x89: make sure the random file does not
        assertLoadFails(command, "random", bytes, random -> random + ": not a Sinapse checkpoint (wrong magic bytes)");
    }

    @ByTrainAndInspect
    void emptyAndMissingCheckpoints(String command) throws IOException {
        assertLoadFails(command, "empty", new byte[0], empty -> empty + ": empty file, not a Sinapse checkpoint");
        Path missing = tmp.resolve("gone.ckpt");
        assertThat(load(command, missing)).isEqualTo(missing + ": no such file");
    }

    @ByTrainAndInspect
    void checkpointFromANewerFormatSaysWhichVersions(String command) throws IOException {
        byte[] bytes = Files.readAllBytes(checkpoint);
        int newer = CheckpointFormat.CURRENT_VERSION + 1;
        ByteBuffer.wrap(bytes).putInt(8, newer);   // the version field follows the 8 magic bytes
        assertLoadFails(command, "future", bytes, future -> future + ": written by a newer Sinapse (format " + newer
                + ", this version reads up to " + CheckpointFormat.CURRENT_VERSION + ")");
    }

    @Test
    void checkpointTensorsThatDoNotMatchItsConfigNameBothShapes() {
        Checkpoint good = CheckpointFile.read(checkpoint);
        List<Tensor> params = new ArrayList<>(good.getParamsList());
        Tensor w = params.get(0);
        assertThat(w.getName()).isEqualTo("hidden.W");
        params.set(0, w.toBuilder().setRows(5).clearValues().addAllValues(w.getValuesList().subList(0, 5 * 784)).build());
        Path odd = tmp.resolve("odd-shape.ckpt");
        CheckpointFile.write(odd, good.toBuilder().clearParams().addAllParams(params).build());
        assertThat(load("train", odd)).isEqualTo(odd + ": tensor 'hidden.W' is 5x784, but the network expects 10x784");
    }

    @Test
    void checkpointMissingATensorOfItsNetwork() {
        Checkpoint good = CheckpointFile.read(checkpoint);
        Path fewer = tmp.resolve("fewer.ckpt");
        CheckpointFile.write(fewer, good.toBuilder().removeParams(3).build());
        assertThat(load("train", fewer)).isEqualTo(fewer + ": holds 3 parameter tensors, but the network built from its config has 4");
    }

    @Test
    void optimizerStateThatDoesNotFitNamesTheFile() {
        Checkpoint good = CheckpointFile.read(checkpoint);
        Path noT = tmp.resolve("no-t.ckpt");
        CheckpointFile.write(noT, good.toBuilder().setOptimizer(good.getOptimizer().toBuilder()
                .setState(good.getOptimizer().getState().toBuilder().removeLongs("t"))).build());
        assertThat(load("train", noT)).isEqualTo(noT + ": optimizer 'sgd': saved state has no number 't'");

        // Adam's moments meet their parameters only at the next step: the mismatch must still name the file, at load
        var adamConfig = good.getConfig().toBuilder();
        adamConfig.getOptimizerBuilder().setType("adam").setLearningRate(0.001);
        Path oddMoment = tmp.resolve("odd-moment.ckpt");
        CheckpointFile.write(oddMoment, good.toBuilder().setConfig(adamConfig)
                .setOptimizer(OptimizerState.newBuilder().setType("adam").setState(NamedState.newBuilder().setOwner("adam")
                        .putLongs("t", 2).addTensors(Tensor.newBuilder().setName("m.0").setRows(1).setCols(1).addValues(0f))))
                .build());
        assertThat(load("train", oddMoment))
                .isEqualTo(oddMoment + ": optimizer 'adam': saved optimizer tensor 'm.0' is 1x1, but parameter 'hidden.W' is 10x784");
    }

    /**
     * A valid envelope around an impossible training position. Unchecked, a batch_in_epoch past the epoch's end hung
     * the resume (the epoch never ended) and a negative epoch or step was resumed silently.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # name           | epoch | step | batch | message
            batch-beyond     | 2     | 7    | 5     | position.batch_in_epoch is 5, but an epoch of 100 training rows in batches of 100 has 1 batch
            negative-epoch   | -1    | 2    | 0     | position.epoch is -1, expected 0 or more
            negative-step    | 2     | -1   | 0     | position.step is -1, expected 0 or more
            step-mismatch    | 2     | 9    | 0     | position.step is 9, but epoch 2 and batch_in_epoch 0 make 2 steps (1 batch an epoch)
            """)
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void impossiblePositionsAreRefusedOnLoad(String name, long epoch, long step, long batch, String message) {
        Checkpoint good = CheckpointFile.read(checkpoint);
        Checkpoint odd = good.toBuilder().setPosition(good.getPosition().toBuilder().setEpoch(epoch).setStep(step)
                .setBatchInEpoch(batch).setFinished(false)).build();
        for (String command : List.of("train", "inspect")) {
            Path file = tmp.resolve(name + "-" + command + ".ckpt");
            CheckpointFile.write(file, odd);
            assertThat(load(command, file)).isEqualTo(file + ": " + message);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aMidEpochOrderThatRepeatsARowAndABestFromTheFutureAreRefused() {
        // batches of 10 of the 100 training rows: stopped after 3 batches of the second epoch
        Checkpoint good = CheckpointFile.read(checkpoint);
        var config = good.getConfig().toBuilder();
        config.getTrainingBuilder().setBatchSize(10);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            order.add(i == 1 ? 0 : i);
        }
        Checkpoint midEpoch = good.toBuilder().setConfig(config).setPosition(good.getPosition().toBuilder().setEpoch(1).setStep(13)
                .setBatchInEpoch(3).setFinished(false)).clearEpochOrder().addAllEpochOrder(order).build();
        Path repeated = tmp.resolve("repeated-row.ckpt");
        CheckpointFile.write(repeated, midEpoch);
        assertThat(load("train", repeated)).isEqualTo(repeated + ": epoch_order[1] is 0, a row already listed; expected each training row once");

        Path future = tmp.resolve("best-from-the-future.ckpt");
        CheckpointFile.write(future, good.toBuilder().setBest(BestMetric.newBuilder().setMetric("dev_accuracy").setValue(0.5).setStep(50)).build());
        assertThat(load("train", future)).isEqualTo(future + ": best.step is 50, expected 1..position.step 2");
    }

    /**
     * Hostile but well-formed checkpoints: every command that loads one (train --resume, evaluate, predict, show,
     * inspect) refuses it with the same line. Before, predict wrote a submission of one digit for NaN weights and
     * evaluate printed loss NaN, both with exit code 0; a pixel_scale of 0 was accepted; inspect showed a tensor
     * claiming 65536x32768 with 7,840 values and exited 0.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            nan-weight    | tensor 'output.W' holds NaN (row 1, column 3); a usable model has only finite numbers
            inf-weight    | tensor 'hidden.W' holds Infinity (row 1, column 16); a usable model has only finite numbers
            scale-zero    | stored config: data.pixel_scale must be a positive number, got 0.0
            scale-nan     | stored config: data.pixel_scale must be a positive number, got NaN
            claimed-shape | tensor 'hidden.W' has 7840 values, expected 65536x32768 = 2147483648
            """)
    void hostileButWellFormedCheckpointsAreRefusedByEveryCommand(String name, String message) {
        Checkpoint good = CheckpointFile.read(checkpoint);
        List<Tensor> params = new ArrayList<>(good.getParamsList());
        var config = good.getConfig().toBuilder();
        switch (name) {
            case "nan-weight" -> params.set(2, params.get(2).toBuilder().setValues(13, Float.NaN).build());       // output.W, 10 x 10
            case "inf-weight" -> params.set(0, params.get(0).toBuilder().setValues(800, Float.POSITIVE_INFINITY).build());
            case "scale-zero" -> config.getDataBuilder().setPixelScale(0f);
            case "scale-nan" -> config.getDataBuilder().setPixelScale(Float.NaN);
            case "claimed-shape" -> params.set(0, params.get(0).toBuilder().setRows(65536).setCols(32768).build());
            default -> throw new AssertionError(name);
        }
        Path hostile = tmp.resolve(name + ".ckpt");
        CheckpointFile.write(hostile, good.toBuilder().setConfig(config).clearParams().addAllParams(params).build());
        assertThat(refusedByEveryCommand(hostile)).isEqualTo(hostile + ": " + message);
    }

    @Test
    void resumingWithADifferentNetworkIsRefused() {
        assertThat(trainWith(null, "--resume", checkpoint.toString(), "--set", "network.layers[0].options.units=32"))
                .startsWith("--set network.layers[0].options.units: cannot be changed when resuming " + checkpoint
                        + " (it would not continue the same run); safe to change: training.epochs, ");
        assertThat(trainWith(config, "--resume", checkpoint.toString()))
                .isEqualTo("--resume and --config cannot be used together: the checkpoint holds its config");
    }

    @Test
    void resumingAfterTheDataChangedIsRefused() throws IOException {
        Path data = Cli.smallCsv(Files.createDirectories(tmp.resolve("changing")), ROWS);
        Path run = tmp.resolve("changing-run");
        Cli.Result first = Cli.run("train", "--quiet", "--config", Cli.articleConfig(tmp, data, "changing", "").toString(),
                "--out", run.toString(), "--set", "training.epochs=1");
        assertThat(first.code()).as(first.err()).isZero();
        List<String> lines = Files.readAllLines(data);
        lines.set(5, setCell(lines.get(5), 400, "7"));
        Files.write(data, lines);
        Path last = run.resolve("last.ckpt");
        assertThat(trainWith(null, "--resume", last.toString(), "--set", "training.epochs=2"))
                .matches(Pattern.quote(last + ": the training data changed since this checkpoint (SHA-256 ")
                        + "[0-9a-f]{12}… then, [0-9a-f]{12}… now\\); resuming would not continue the same run");
    }

    // ---- evaluate and show ---------------------------------------------------------------------------------------

    @Test
    void aLabelTheModelHasNoOutputForNamesTheRow() throws IOException {
        Path digits04 = write("digits-0-4.csv", csvLines.stream().filter(l -> !l.matches("[5-9],.*")).toList());
        Path run = tmp.resolve("five-classes");
        Cli.Result trained = Cli.run("train", "--quiet", "--config", Cli.articleConfig(tmp, digits04, "five", "").toString(),
                "--out", run.toString(), "--set", "network.layers[2].options.units=5", "--set", "data.dev_rows=50",
                "--set", "training.epochs=1");
        assertThat(trained.code()).as(trained.err()).isZero();
        String ckpt = run.resolve("last.ckpt").toString();
        int line = 1;
        while (!csvLines.get(line).matches("[5-9],.*")) {
            line++;
        }
        int row = line - 1, label = csvLines.get(line).charAt(0) - '0';   // rows count from 0 after the header
        String expected = "error: " + csv + ", row " + row + ": label " + label + ", but the model in " + ckpt
                + " has 5 outputs (classes 0..4)";

        assertThat(userError(Cli.run("evaluate", "--checkpoint", ckpt, "--data", csv.toString()), 1).get(0)).isEqualTo(expected);
        assertThat(userError(Cli.run("show", "--checkpoint", ckpt, "--data", csv.toString(), "--index", String.valueOf(row)), 1).get(0))
                .isEqualTo(expected);
    }

    // ---- command line ----------------------------------------------------------------------------------------

    @Test
    void unknownSubcommandListsTheCommandsAndTheClosest() {
        Cli.Result r = Cli.run("trian");
        List<String> lines = userError(r, 2);
        String commands = String.join(", ", new CommandLine(new Main()).getSubcommands().keySet());
        assertThat(lines.get(0)).isEqualTo("error: unknown command 'trian' (did you mean 'train'?); commands: " + commands);
        assertThat(lines.get(1)).isEqualTo("(see: sinapse --help)");
    }

    @Test
    void unknownFlagPointsAtTheCommandsHelp() {
        List<String> lines = userError(Cli.run("train", "--bogus"), 2);
        assertThat(lines.get(0)).isEqualTo("error: Unknown option: '--bogus'");
        assertThat(lines.get(1)).isEqualTo("(see: sinapse help train)");
        assertThat(userError(Cli.run("train", "--resum", checkpoint.toString()), 2).get(0))
                .isEqualTo("error: Unknown option: '--resum' (did you mean '--resume'?)");
    }

    @Test
    void theHelpTheHintPointsAtExists() {
        Cli.Result help = Cli.run("help", "train");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--resume").contains("--config").contains("--set");
    }

    @Test
    void missingRequiredArgumentsAreNamed() {
        List<String> inspect = userError(Cli.run("inspect"), 2);
        assertThat(inspect.get(0)).isEqualTo("error: Missing required parameter: 'CKPT'");
        assertThat(inspect.get(1)).isEqualTo("(see: sinapse help inspect)");
        assertThat(userError(Cli.run("train", "--resume"), 2).get(0))
                .isEqualTo("error: Missing required parameter for option '--resume' (CKPT)");
    }

    // ---- files named on the command line ----------------------------------------------------------------------

    /**
     * Path.of("") is the current directory: an empty name must not stand for it. Each command runs with every other
     * argument good ({C} the config, {M} the checkpoint, {X} the data, {R} a run; {E} is the empty string).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            train --config {C} --set training.epochs=1 --out {E} | option '--out'
            train --config {E}                                   | option '--config'
            evaluate --checkpoint {M} --data {X} --png {E}       | option '--png'
            predict --checkpoint {M} --input {X} --output {E}    | option '--output'
            show --checkpoint {M} --data {X} --index 0 --png {E} | option '--png'
            plot --run {R} --output {E}                          | option '--output'
            inspect {E}                                          | positional parameter at index 0 (CKPT)
            """)
    void anEmptyPathIsRefusedBeforeAnythingIsWritten(String command, String what) throws Exception {
        List<String> args = new ArrayList<>();
        for (String a : command.split(" ")) {
            args.add(a.replace("{C}", config.toString()).replace("{M}", checkpoint.toString()).replace("{X}", csv.toString())
                    .replace("{R}", tmp.resolve("good-run").toString()).replace("{E}", ""));
        }
        Cli.Result r;
        Path here = null;
        if (args.contains("--out")) {
            // in a child JVM in an empty directory: were "" the current directory, the run would be written there
            here = Files.createDirectories(tmp.resolve("empty-out"));
            List<String> cmd = Cli.childJava();
            cmd.addAll(args);
            Path out = tmp.resolve("empty-out.txt"), err = tmp.resolve("empty-out.err");
            Process p = new ProcessBuilder(cmd).directory(here.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("finished in 60 s").isTrue();
            r = new Cli.Result(p.exitValue(), Files.readString(out),
                    Files.readString(err).replaceAll("(?m)^WARNING: Using incubator modules.*\\R", ""));
        } else {
            r = Cli.run(args.toArray(String[]::new));
        }
        List<String> lines = userError(r, 2);
        assertThat(lines.get(0)).isEqualTo("error: Invalid value for " + what + ": expected a file or directory name, found an empty string");
        assertThat(lines.get(1)).isEqualTo("(see: sinapse help " + args.get(0) + ")");
        if (here != null) {
            try (var left = Files.list(here)) {
                assertThat(left).isEmpty();
            }
        }
    }

    /**
     * An output that is one of the command's inputs, named another way (./, a link, the same path): refused before
     * anything is written, the input left as it was. In directory {D}, {X} is a copy of the data, {M} of the
     * checkpoint, {R} of the run's metrics.csv; {L} is a symbolic link to {X}.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            evaluate --checkpoint {M} --data {X} --png {D}/./x.csv | --png {D}/./x.csv is the same file as --data {X}
            evaluate --checkpoint {M} --data {X} --png {M}        | --png {M} is the same file as --checkpoint {M}
            predict --checkpoint {M} --input {X} --output {M}     | --output {M} is the same file as --checkpoint {M}
            predict --checkpoint {M} --input {X} --output {L}     | --output {L} is the same file as --input {X}
            show --checkpoint {M} --data {X} --index 0 --png {X}  | --png {X} is the same file as --data {X}
            plot --run {R} --output {R}                           | --output {R} is the same file as --run {R}
            """)
    void anOutputThatIsAnInputIsRefusedAndTheInputKept(String command, String message) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("onto-input-" + Math.abs(command.hashCode())));
        Path x = Files.copy(csv, dir.resolve("x.csv")), m = Files.copy(checkpoint, dir.resolve("m.ckpt"));
        Path r = Files.copy(tmp.resolve("good-run").resolve("metrics.csv"), dir.resolve("metrics.csv"));
        Path l = Files.createSymbolicLink(dir.resolve("link.csv"), x.getFileName());
        UnaryOperator<String> fill = t -> t.replace("{X}", x.toString()).replace("{M}", m.toString()).replace("{R}", r.toString())
                .replace("{L}", l.toString()).replace("{D}", dir.toString());
        byte[] xBefore = Files.readAllBytes(x), mBefore = Files.readAllBytes(m), rBefore = Files.readAllBytes(r);

        List<String> lines = userError(Cli.run(fill.apply(command).split(" ")), 1);
        assertThat(lines.get(0)).isEqualTo("error: " + fill.apply(message) + "; writing it would replace that input: choose another name");
        assertThat(Files.readAllBytes(x)).isEqualTo(xBefore);
        assertThat(Files.readAllBytes(m)).isEqualTo(mBefore);
        assertThat(Files.readAllBytes(r)).isEqualTo(rBefore);
        assertThat(Files.isSymbolicLink(l)).isTrue();
    }

    @Test
    void aRunDirectoryThatWouldWriteOverItsOwnConfigIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("rerun"));
        Path cfg = Files.copy(config, dir.resolve("config.textproto"));
        byte[] before = Files.readAllBytes(cfg);
        // without --force the directory is refused as holding a run; with it, the config would be written over
        Cli.Result r = Cli.run("train", "--config", cfg.toString(), "--out", dir.toString(), "--force", "--set", "training.epochs=1");
        assertThat(userError(r, 1).get(0)).isEqualTo("error: --out " + dir + ": the run writes " + cfg
                + ", which is --config " + cfg + "; choose another run directory");
        assertThat(Files.readAllBytes(cfg)).isEqualTo(before);
        assertThat(dir.resolve("last.ckpt")).doesNotExist();
    }

    /** A metrics.csv value that no axis can span: one line naming the line and column, not the chart library's trace. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Infinity  | expected a finite number, found 'Infinity'
            -Infinity | expected a finite number, found '-Infinity'
            1e308     | expected a number within ±1e300, found '1e308'
            """)
    void plotRefusesAMetricsValueNoChartCanDraw(String loss, String message) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("metrics-" + loss));
        Path metrics = Files.writeString(dir.resolve("metrics.csv"), Metrics.CSV_HEADER + "\n1,1,2.3,0.1,NaN,NaN,0.1,1.0\n"
                + "2,1," + loss + ",0.1,NaN,NaN,0.1,2.0\n");
        List<String> lines = userError(Cli.run("plot", "--run", dir.toString()), 1);
        assertThat(lines.get(0)).isEqualTo("error: " + metrics + " line 3, column loss: " + message);
        assertThat(dir.resolve("curves.png")).doesNotExist();
    }

    @Test
    void plotRefusesAMetricsLineLongerThanARowCanBe() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("metrics-huge"));
        Path metrics = dir.resolve("metrics.csv");
        try (var f = new java.io.RandomAccessFile(metrics.toFile(), "rw")) {
            f.setLength(4L << 30);   // sparse: a 4 GiB line of NUL characters, nothing on disk
        }
        assertThat(userError(Cli.run("plot", "--run", dir.toString()), 1).get(0)).isEqualTo("error: " + metrics
                + " line 1: longer than 65536 characters; expected a metrics row (a step and a few numbers)");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Trains on {@code data} with the article config; returns the error message after "error: ". */
    private static String trainOn(Path data) throws IOException {
        return trainWith(Cli.articleConfig(tmp, data, "on-" + data.getFileName(), ""));
    }

    /** Runs train with {@code config} (or none) and extra arguments; it must fail with one user-error line. */
    private static String trainWith(Path config, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--out", tmp.resolve("should-fail").toString(),
                "--set", "training.epochs=2"));
        if (config != null) {
            args.addAll(List.of("--config", config.toString()));
        }
        args.addAll(List.of(extra));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        return userError(r, 1).get(0).substring("error: ".length());
    }

    /** {@code bytes} as a checkpoint named {@code name-command.ckpt}: {@code command} fails with the message for that file. */
    private static void assertLoadFails(String command, String name, byte[] bytes, Function<Path, String> message) throws IOException {
        Path file = writeBytes(name + "-" + command + ".ckpt", bytes);
        assertThat(load(command, file)).isEqualTo(message.apply(file));
    }

    private static String load(String command, Path ckpt) {
        Cli.Result r = command.equals("train") ? Cli.run("train", "--resume", ckpt.toString()) : Cli.run("inspect", ckpt.toString());
        return userError(r, 1).get(0).substring("error: ".length());
    }

    /**
     * Runs every command that loads a checkpoint on {@code ckpt}: each must fail with the same one line (inspect after
     * showing the file), and predict must leave no submission. Returns the message after "error: ".
     */
    private static String refusedByEveryCommand(Path ckpt) {
        String c = ckpt.toString(), data = csv.toString();
        Path submission = tmp.resolve("refused-" + ckpt.getFileName() + ".csv");
        List<String[]> commands = List.of(new String[] {"train", "--resume", c},
                new String[] {"evaluate", "--checkpoint", c, "--data", data},
                new String[] {"predict", "--checkpoint", c, "--input", data, "--output", submission.toString()},
                new String[] {"show", "--checkpoint", c, "--data", data, "--index", "0"},
                new String[] {"inspect", c});
        String message = null;
        for (String[] command : commands) {
            Cli.Result r = Cli.run(command);
            String line = userError(r, 1).get(0).substring("error: ".length());
            assertThat(line).as(String.join(" ", command)).isEqualTo(message == null ? line : message);
            message = line;
        }
        assertThat(submission).doesNotExist();
        return message;
    }

    /** The catalogue's promise: exit 2, {@code lines} lines on stderr starting with "error: ", no trace, no success. */
    private static List<String> userError(Cli.Result r, int lines) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("internal error");
        List<String> err = r.err().lines().toList();
        assertThat(err).as(r.err()).hasSize(lines);
        assertThat(err.get(0)).startsWith("error: ");
        assertThat(r.out()).doesNotContain("done:").doesNotContain("saved");
        return err;
    }

    private static Path write(String name, List<String> lines) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, lines);
        return p;
    }

    private static Path writeBytes(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** The small CSV with its line {@code line} (1-based, header is line 1) edited. */
    private static Path withLine(String name, int line, UnaryOperator<String> edit) throws IOException {
        List<String> lines = new ArrayList<>(csvLines);
        lines.set(line - 1, edit.apply(lines.get(line - 1)));
        return write(name, lines);
    }

    private static String setCell(String line, int column, String value) {
        String[] cells = line.split(",", -1);
        cells[column] = value;
        return String.join(",", cells);
    }

    private static Path editedConfig(String name, UnaryOperator<String> edit) throws IOException {
        Path file = Cli.articleConfig(tmp, csv, name, "");
        String before = Files.readString(file), after = edit.apply(before);
        assertThat(after).as("the edit applies").isNotEqualTo(before);
        Files.writeString(file, after);
        return file;
    }

    /** 1-based number of the first line of {@code file} containing {@code text}. */
    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }

    /** Inflates a cut gzip stream as far as it goes, byte by byte, and counts the line breaks that came out. */
    private static int newlinesBeforeTheBreak(byte[] cut) throws IOException {
        int newlines = 0;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(cut))) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                newlines += b == '\n' ? 1 : 0;
            }
        } catch (EOFException expected) {
            return newlines;
        }
        throw new AssertionError("the cut stream inflated completely");
    }

    /** A plug-in layer with a fixed input size, as a user's module might contribute one. */
    public static final class FixedInputPlugin extends AbstractModule {
        @Override
        protected void configure() {
            MapBinder.newMapBinder(binder(), String.class, LayerFactory.class).addBinding("fixed_input").toInstance(ctx -> {
                return new Identity(new SameSize.Id(ctx.name(), ctx.options().requireInt("inputs")));
            });
        }
    }
}
