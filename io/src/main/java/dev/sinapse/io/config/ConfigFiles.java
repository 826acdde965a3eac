package dev.sinapse.io.config;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import com.google.protobuf.util.JsonFormat;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.proto.Cadence;
import dev.sinapse.io.proto.DataConfig;
import dev.sinapse.io.proto.EarlyStopping;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.io.proto.LayerConfig;
import dev.sinapse.io.proto.NetworkConfig;
import dev.sinapse.io.proto.OptimizerConfig;
import dev.sinapse.io.proto.ScheduleUnit;
import dev.sinapse.io.proto.TrainingConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Experiment files ({@code config.proto}'s {@link Experiment}) in protobuf text format or JSON, with the same
 * field names in both. Reading gives the file as written; {@link #withDefaults} fills the documented defaults
 * and {@link #validate} checks the values, so a saved config can be printed back as the user wrote it.
 */
public final class ConfigFiles {
    /** Full-batch runs save last.ckpt every this many steps (epochs) unless the config says otherwise. */
    public static final int FULL_BATCH_CHECKPOINT_EVERY = 100;

    /** File name endings read as text format. */
    public static final List<String> TEXT_EXTENSIONS = List.of(".textproto", ".txtpb", ".pbtxt", ".prototxt");
    public static final String JSON_EXTENSION = ".json";

    private static final Pattern UNKNOWN_TEXT = Pattern.compile("(\\d+):(\\d+):\\t([\\w.]+)\\.(\\w+)");
    private static final Pattern OVERWRITTEN = Pattern.compile("Non-repeated field \"([\\w.]+)\\.(\\w+)\" cannot be overwritten\\.");
    private static final Pattern UNKNOWN_JSON = Pattern.compile("Cannot find field: (\\S+) in message ([\\w.]+)");
    private static final Pattern EXCEPTION_PREFIX = Pattern.compile("^(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");

    private static final int LONGEST_MESSAGE = 300;

    private static final TextFormat.Parser TEXT = TextFormat.Parser.newBuilder()
            .setSingularOverwritePolicy(TextFormat.Parser.SingularOverwritePolicy.FORBID_SINGULAR_OVERWRITES)
            .build();

    /** The largest config file read. */
    static final int MAX_BYTES = 16 << 20;

    private ConfigFiles() {
    }

    /** The experiment in {@code file}, as written (no defaults filled), by its extension. */
    public static Experiment read(Path file) {
        String source = file.toString();
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean json = name.endsWith(JSON_EXTENSION);
        if (!json && TEXT_EXTENSIONS.stream().noneMatch(name::endsWith)) {
            throw new SinapseException(source + ": unknown config extension; expected one of "
                    + String.join(", ", TEXT_EXTENSIONS) + " (text format) or " + JSON_EXTENSION);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(readBounded(file))).toString();
        } catch (NoSuchFileException e) {
            throw new SinapseException(source + ": file not found");
        } catch (CharacterCodingException e) {
            throw new SinapseException(source + ": not UTF-8 text");
        } catch (IOException e) {
            throw new SinapseException(source + ": cannot read: " + e.getMessage(), e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return json ? parseJson(text, source) : parseText(text, source);
    }

    /** At most {@link #MAX_BYTES}: a config is a few kilobytes, and a huge file or a device must not fill the heap. */
    private static byte[] readBounded(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new SinapseException(file + ": larger than " + (MAX_BYTES >> 20) + " MiB; a config is a few kilobytes of text");
            }
            return bytes;
        }
    }

    /** Protobuf text format. Errors read {@code exp.textproto:3:7: <what>}. */
    public static Experiment parseText(String text, String sourceName) {
        Experiment.Builder b = Experiment.newBuilder();
        try {
            TEXT.merge(text, b);
        } catch (TextFormat.ParseException e) {
            throw new SinapseException(textError(e, sourceName), e);
        }
        return b.build();
    }

    private static String textError(TextFormat.ParseException e, String source) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        Matcher m = UNKNOWN_TEXT.matcher(message);
        if (m.find()) {
            Descriptor type = findType(m.group(3));
            if (type != null) {
                return source + ":" + m.group(1) + ":" + m.group(2) + ": "
                        + Schema.unknownField(m.group(4), type, Schema.where(type));
            }
        }
        String what = message.replaceFirst("^" + e.getLine() + ":" + e.getColumn() + ": ", "");
        Matcher o = OVERWRITTEN.matcher(what);
        if (o.find()) {
            Descriptor type = findType(o.group(1));
            String where = type == null ? "" : Schema.where(type);
            what = (where.isEmpty() || type.equals(Experiment.getDescriptor()) ? "" : where + ".")
                    + o.group(2) + " is set twice";
        }
        String place = e.getLine() >= 0 ? ":" + e.getLine() + ":" + e.getColumn() : "";
        return source + place + ": " + oneLine(what);
    }

    /** JSON with the proto field names (lowerCamelCase is accepted too). Errors read {@code exp.json: invalid config: <what>}. */
    public static Experiment parseJson(String text, String sourceName) {
        Experiment.Builder b = Experiment.newBuilder();
        try {
            JsonFormat.parser().merge(text, b);
        } catch (InvalidProtocolBufferException e) {
            throw new SinapseException(sourceName + ": invalid config: " + jsonError(e.getMessage()), e);
        }
        return b.build();
    }

    private static String jsonError(String message) {
        String what = message == null ? "not a JSON object" : message;
        Matcher m = UNKNOWN_JSON.matcher(what);
        if (m.find()) {
            Descriptor type = findType(m.group(2));
            if (type != null) {
                return Schema.unknownField(m.group(1), type, Schema.where(type));
            }
        }
        return oneLine(EXCEPTION_PREFIX.matcher(what).replaceFirst(""));
    }

    private static Descriptor findType(String fullName) {
        return Experiment.getDescriptor().getFile().findMessageTypeByName(
                fullName.substring(fullName.lastIndexOf('.') + 1));
    }

    /** One line, and not a screenful: a deeply nested input makes the JSON reader quote a long path. */
    private static String oneLine(String s) {
        String line = s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return line.length() <= LONGEST_MESSAGE ? line : line.substring(0, LONGEST_MESSAGE) + "…";
    }

    /** Text format, as a user would write it. */
    public static String toText(Experiment e) {
        return TextFormat.printer().printToString(e);
    }

    /** JSON with the proto field names, so it reads like the text format. */
    public static String toJson(Experiment e) {
        try {
            return JsonFormat.printer().preservingProtoFieldNames().print(e);
        } catch (InvalidProtocolBufferException x) {
            throw new IllegalStateException("an Experiment always prints as JSON", x);
        }
    }

    /** {@code e} with every default documented in config.proto filled where the field is unset; set values stay. */
    public static Experiment withDefaults(Experiment e) {
        Experiment.Builder b = e.toBuilder();
        DataConfig.Builder data = b.getDataBuilder();
        if (data.getLabelColumn().isEmpty()) {
            data.setLabelColumn("label");
        }
        if (!data.hasDevRows()) {
            data.setDevRows(1000);
        }
        if (!data.hasPixelScale()) {
            // a table's values are used as they are (standardize scales them); pixels 0..255 become 0..1
            data.setPixelScale(isTable(data.getFormat()) ? 1 : 255);
        }
        if (!b.getNetworkBuilder().hasInputSize()) {
            // the product of a well-formed input_shape; otherwise 784, and validate names the bad input_shape
            long shape = b.getNetworkBuilder().getInputShapeCount() == 3 ? 1 : 0;
            for (int d : b.getNetworkBuilder().getInputShapeList()) {
                shape = d > 0 ? Math.min(shape * d, Integer.MAX_VALUE) : 0;
            }
            b.getNetworkBuilder().setInputSize(shape > 0 ? (int) shape : 784);
        }
        if (b.getLossBuilder().getType().isEmpty()) {
            b.getLossBuilder().setType("cross_entropy");
        }
        OptimizerConfig.Builder optimizer = b.getOptimizerBuilder();
        if (optimizer.getType().isEmpty()) {
            optimizer.setType("sgd");
        }
        if (!optimizer.hasLearningRate()) {
            optimizer.setLearningRate(0.1);
        }
        if (optimizer.getScheduleBuilder().getType().isEmpty()) {
            optimizer.getScheduleBuilder().setType("constant");
        }
        if (optimizer.getScheduleBuilder().getUnit() == ScheduleUnit.SCHEDULE_UNIT_UNSPECIFIED) {
            optimizer.getScheduleBuilder().setUnit(ScheduleUnit.STEPS);
        }
        TrainingConfig.Builder training = b.getTrainingBuilder();
        if (!training.hasEpochs()) {
            training.setEpochs(1);
        }
        if (!training.hasLogEvery()) {
            training.setLogEvery(10);
        }
        if (training.getEvalEvery().getEveryCase() == Cadence.EveryCase.EVERY_NOT_SET) {
            // its own setting, not the log cadence: --log-every must never change the model
            training.setEvalEvery(Cadence.newBuilder().setEpochs(1));
        }
        // Not `optional` in the schema, so an explicit 0 cannot be told from absent: 0 means the default, every
        // epoch; in full batch an epoch is a single step, and saving after each one took a fifth of the article's run
        if (training.getCheckpointEveryEpochs() == 0) {
            training.setCheckpointEveryEpochs(training.getBatchSize() == 0 ? FULL_BATCH_CHECKPOINT_EVERY : 1);
        }
        EarlyStopping.Builder stopping = training.getEarlyStoppingBuilder();
        if (!stopping.hasRestoreBest()) {
            stopping.setRestoreBest(true);
        }
        return b.build();
    }

    /** data.format values; "" is "pixels". */
    public static final List<String> FORMATS = List.of("pixels", "table");
    public static final List<String> STANDARDIZE = List.of("none", "zscore", "minmax");
    public static final List<String> MISSING = List.of("error", "mean", "zero");

    /** Whether data.format names the table layout. */
    public static boolean isTable(String format) {
        return format.equals("table");
    }

    private static void oneOf(String value, List<String> allowed, String field) {
        if (!value.isEmpty() && !allowed.contains(value)) {
            throw new SinapseException(field + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
    }

    /** The table-only fields of data, set on a pixels config: named, since they would do nothing. */
    private static void tableFields(DataConfig data) {
        oneOf(data.getFormat(), FORMATS, "data.format");
        oneOf(data.getStandardize(), STANDARDIZE, "data.standardize");
        oneOf(data.getMissing(), MISSING, "data.missing");
        atLeast(data.getNumClasses(), 0, "data.num_classes", "0 (from the data) or a positive integer");
        if (!isTable(data.getFormat())) {
            String set = data.getFeatureColumnsCount() > 0 ? "feature_columns" : !data.getStandardize().isEmpty() ? "standardize"
                    : !data.getMissing().isEmpty() ? "missing" : data.getNumClasses() != 0 ? "num_classes" : null;
            if (set != null) {
                throw new SinapseException("data." + set + " is for data.format \"table\"; this config reads pixels"
                        + " (set data.format: \"table\" to read any numeric CSV)");
            }
        }
    }

    /** Checks the values of an experiment with its defaults filled; the first bad one is named. */
    public static void validate(Experiment e) {
        DataConfig data = e.getData();
        tableFields(data);
        atLeast(data.getDevRows(), 0, "data.dev_rows", "a non-negative integer");
        positive(data.getPixelScale(), "data.pixel_scale");
        if (!Float.isFinite(255 * (1f / data.getPixelScale()))) {
            // as the trainer and the inference scale pixels: by 1 / pixel_scale, in float
            throw new SinapseException("data.pixel_scale must be a positive number that pixel 255 divided by it stays a"
                    + " finite float, got " + data.getPixelScale());
        }
        NetworkConfig network = e.getNetwork();
        atLeast(network.getInputSize(), 1, "network.input_size", "a positive integer");
        if (network.getInputShapeCount() > 0) {
            List<Integer> shape = network.getInputShapeList();
            double product = 1;   // in double: three ints can overflow a long, and a product past 2^31 fails anyway
            for (int d : shape) {
                product *= Math.max(d, 0);
            }
            if (shape.size() != 3 || product == 0) {
                throw new SinapseException("network.input_shape must be three positive integers (channels, height, width),"
                        + " got " + shape);
            }
            if (product != network.getInputSize()) {
                throw new SinapseException("network.input_shape " + shape + " holds " + (long) product + " values, but"
                        + " network.input_size is " + network.getInputSize());
            }
        }
        if (network.getLayersCount() == 0) {
            throw new SinapseException("network.layers is empty: the network needs at least one layer");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < network.getLayersCount(); i++) {
            LayerConfig layer = network.getLayers(i);
            if (layer.getType().isBlank()) {
                throw new SinapseException("network.layers[" + i + "].type is missing: every layer needs a type"
                        + " such as \"dense\"");
            }
            if (!layer.getName().isBlank() && !names.add(layer.getName().trim())) {
                throw new SinapseException("network.layers[" + i + "].name '" + layer.getName()
                        + "' is used by an earlier layer; names must be unique");
            }
        }
        positive(e.getOptimizer().getLearningRate(), "optimizer.learning_rate");
        atLeast(e.getOptimizer().getSchedule().getWarmupSteps(), 0, "optimizer.schedule.warmup_steps",
                "a non-negative integer");
        TrainingConfig training = e.getTraining();
        atLeast(training.getEpochs(), 1, "training.epochs", "a positive integer");
        atLeast(training.getBatchSize(), 0, "training.batch_size", "0 (full batch) or a positive integer");
        atLeast(training.getLogEvery(), 1, "training.log_every", "a positive integer");
        Cadence eval = training.getEvalEvery();
        if (eval.getEveryCase() == Cadence.EveryCase.STEPS) {
            atLeast(eval.getSteps(), 1, "training.eval_every.steps", "a positive integer");
        } else {
            atLeast(eval.getEpochs(), 1, "training.eval_every.epochs", "a positive integer");
        }
        if (e.getOptimizer().getSchedule().getUnit() == ScheduleUnit.UNRECOGNIZED) {
            throw new SinapseException("optimizer.schedule.unit must be STEPS or EPOCHS");
        }
        nonNegative(training.getWeightDecay(), "training.weight_decay");
        nonNegative(training.getClipNorm(), "training.clip_norm");
        atLeast(training.getThreads(), 0, "training.threads", "0 (all cores) or a positive integer");
        atLeast(training.getCheckpointEveryEpochs(), 1, "training.checkpoint_every_epochs", "a positive integer");
        atLeast(training.getKeepCheckpoints(), 0, "training.keep_checkpoints", "a non-negative integer");
        atLeast(training.getEarlyStopping().getPatience(), 0, "training.early_stopping.patience",
                "0 (off) or a positive integer");
        nonNegative(training.getEarlyStopping().getMinDelta(), "training.early_stopping.min_delta");
    }

    private static void atLeast(long value, long min, String field, String expected) {
        if (value < min) {
            throw new SinapseException(field + " must be " + expected + ", got " + value);
        }
    }

    private static void positive(double value, String field) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new SinapseException(field + " must be a positive number, got " + value);
        }
    }

    private static void nonNegative(double value, String field) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new SinapseException(field + " must be a number >= 0, got " + value);
        }
    }
}
