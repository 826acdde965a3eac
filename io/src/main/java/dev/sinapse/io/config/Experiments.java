package dev.sinapse.io.config;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.config.Overrides;
import dev.sinapse.io.data.Idx;
import dev.sinapse.io.data.KaggleCsv;
import dev.sinapse.io.data.Sha256Input;
import dev.sinapse.io.data.TableCsv;
import dev.sinapse.io.proto.DataConfig;
import dev.sinapse.io.proto.Experiment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reading an experiment and its data: the config file (or the bundled article), --set overrides, the split. */
public final class Experiments {
    public static final String BUNDLED_DATA = "/dev/sinapse/apps/data/mnist-8k.csv.gz";
    public static final String BUNDLED_DATA_NAME = "mnist-8k.csv.gz (bundled)";
    public static final String BUNDLED_CONFIG = "/dev/sinapse/apps/configs/article.textproto";

    private Experiments() {
    }

    /**
     * A resolved experiment: defaults filled, overrides applied, validated, and every data path absolute. baseDir is
     * the folder the config's own relative paths were resolved against; {@code dataNote} says how a relative
     * {@code data.path} was resolved ("" when it was absolute or empty), for the first line of a run.
     */
    public record Loaded(Experiment experiment, Path baseDir, String source, String dataNote) {
        public String text() {
            return ConfigFiles.toText(experiment);
        }
    }

    /** The train and dev rows after the one seeded shuffle. */
    public record Split(Dataset train, Dataset dev) {
    }

    /**
     * The experiment in {@code configFile}, or the bundled article config when it is null, with {@code sets} applied.
     * A relative path written in a config file is relative to the file's folder, wherever the command runs; a
     * relative path given with {@code --set} is relative to the working directory, like any path on a command line.
     */
    public static Loaded load(Path configFile, List<String> sets) {
        if (configFile == null) {
            Experiment e = ConfigFiles.parseText(resourceText(BUNDLED_CONFIG), "article.textproto (bundled)");
            return resolve(e, sets, workingDir(), "article.textproto (bundled)");
        }
        Experiment e = ConfigFiles.read(configFile);
        Path parent = configFile.toAbsolutePath().getParent();
        return resolve(e, sets, parent == null ? workingDir() : parent, configFile.toString());
    }

    /**
     * The config saved in a checkpoint, with {@code sets} applied (a resume, a warm start, evaluate). Its paths are
     * absolute; a relative {@code data.labels_path} comes from a release that read it beside the images file, and
     * still does.
     */
    public static Loaded fromCheckpoint(Experiment saved, List<String> sets, String source) {
        DataConfig d = saved.getData();
        if (isRelative(d.getLabelsPath()) && !d.getPath().isEmpty()) {
            saved = saved.toBuilder().setData(d.toBuilder()
                    .setLabelsPath(Path.of(d.getPath()).resolveSibling(d.getLabelsPath()).normalize().toString())).build();
        }
        return resolve(saved, sets, workingDir(), source);
    }

    /**
     * Applies overrides and defaults to an already parsed experiment. Relative paths in {@code e} resolve against
     * {@code baseDir} (the config file's folder); relative paths in {@code sets} against the working directory. Saved
     * configs name their data absolutely, so a checkpoint resumes from any directory.
     */
    public static Loaded resolve(Experiment e, List<String> sets, Path baseDir, String source) {
        boolean relativeInFile = isRelative(e.getData().getPath());
        e = absolutePaths(e, baseDir);
        String before = e.getData().getPath();
        e = Overrides.apply(e, sets);
        boolean fromSet = !e.getData().getPath().equals(before);
        boolean relativeInSet = fromSet && isRelative(e.getData().getPath());
        e = absolutePaths(e, workingDir());
        e = ConfigFiles.withDefaults(e);
        ConfigFiles.validate(e);
        checkThreads(e.getTraining().getThreads(), "training.threads");
        String note = relativeInSet ? "--set data.path is relative to the working directory"
                : relativeInFile && !fromSet ? "data.path is relative to the config's folder" : "";
        return new Loaded(e, baseDir, source, note);
    }

    private static boolean isRelative(String p) {
        return !p.isEmpty() && !Path.of(p).isAbsolute();
    }

    /** data.path and data.labels_path made absolute against {@code base} where they are relative. */
    private static Experiment absolutePaths(Experiment e, Path base) {
        DataConfig d = e.getData();
        DataConfig.Builder b = d.toBuilder();
        if (isRelative(d.getPath())) {
            b.setPath(base.resolve(d.getPath()).normalize().toString());
        }
        if (isRelative(d.getLabelsPath())) {
            b.setLabelsPath(base.resolve(d.getLabelsPath()).normalize().toString());
        }
        return b.build().equals(d) ? e : e.toBuilder().setData(b).build();
    }

    private static Path workingDir() {
        return Path.of("").toAbsolutePath();
    }

    /** The data file the experiment names, or null for the bundled sample. */
    public static Path dataPath(Loaded l) {
        String p = l.experiment().getData().getPath();
        if (p.isEmpty()) {
            return null;
        }
        Path path = Path.of(p);
        return path.isAbsolute() ? path : l.baseDir().resolve(path).normalize();
    }

    /**
     * The rows of the experiment's data, and the SHA-256 (hex) of its bytes as stored: the data file compressed or
     * not (for IDX, the images file), or the bundled sample's resource. A checkpoint records the digest, and a
     * resume compares it, so it is the same for the same file whichever release computed it.
     */
    public record Data(Dataset rows, String sha256) {
    }

    /** Reads the data once, hashing its stored bytes as the reader consumes them. */
    public static Data loadData(Loaded l) {
        DataConfig d = l.experiment().getData();
        Path path = dataPath(l);
        Dataset all;
        String sha256;
        if (path == null) {
            InputStream resource = Experiments.class.getResourceAsStream(BUNDLED_DATA);
            if (resource == null) {
                throw new IllegalStateException("bundled data missing from the jar: " + BUNDLED_DATA);
            }
            try (Sha256Input in = new Sha256Input(resource, BUNDLED_DATA_NAME)) {
                all = Tables.isTable(d) ? TableCsv.read(in, BUNDLED_DATA_NAME, Tables.trainingSpec(d))
                        : KaggleCsv.read(in, BUNDLED_DATA_NAME, d.getLabelColumn());
                sha256 = in.finish();
            }
        } else {
            Path labels = isIdx(path) ? idxLabels(path, d) : null;
            if (labels != null && Tables.isTable(d)) {
                throw new SinapseException(path + ": an IDX images file is pixels; data.format \"table\" reads a CSV");
            }
            try (Sha256Input in = Sha256Input.open(path)) {
                all = labels != null ? Idx.read(in, path.toString(), labels)
                        : Tables.isTable(d) ? TableCsv.read(in, path.toString(), Tables.trainingSpec(d))
                        : KaggleCsv.read(in, path.toString(), d.getLabelColumn());
                sha256 = in.finish();
            }
        }
        if (!all.hasLabels()) {
            throw new SinapseException(all.source() + ": training data needs a '" + d.getLabelColumn() + "' column");
        }
        int inputs = l.experiment().getNetwork().getInputSize();
        if (all.features() != inputs) {
            throw new SinapseException(all.source() + ": rows have " + all.features()
                    + " features, but network.input_size is " + inputs + (Tables.isTable(d) ? "; set network.input_size: "
                    + all.features() : ""));
        }
        return new Data(all, sha256);
    }

    /** training.threads, with 0 meaning every core. */
    public static int threads(Experiment e) {
        int t = e.getTraining().getThreads();
        checkThreads(t, "training.threads");
        return t > 0 ? t : Runtime.getRuntime().availableProcessors();
    }

    /**
     * More threads than this per core only wait for one another: the results are the same for any count, and a
     * count in the thousands starts thousands of spinning threads that never finish a step.
     */
    public static final int THREADS_PER_CORE = 4;

    /**
     * Checks a thread count given as {@code field} (training.threads, bench's --threads): 0 for every core, or 1 up
     * to {@value #THREADS_PER_CORE} threads per core of this machine.
     */
    public static void checkThreads(long threads, String field) {
        int cores = Runtime.getRuntime().availableProcessors();
        long max = (long) THREADS_PER_CORE * cores;
        if (threads < 0 || threads > max) {
            throw new SinapseException(field + " must be 0 (all cores) or 1.." + max + " (" + THREADS_PER_CORE
                    + " per core; this machine has " + cores + "), got " + threads);
        }
    }

    static boolean isIdx(Path p) {
        return p.getFileName().toString().contains("-idx3-ubyte");
    }

    /** The labels file of an IDX images file: data.labels_path (absolute once resolved), or the name MNIST's files follow. */
    static Path idxLabels(Path images, DataConfig d) {
        if (!d.getLabelsPath().isEmpty()) {
            Path l = Path.of(d.getLabelsPath());
            return l.isAbsolute() ? l : images.resolveSibling(l);
        }
        String name = images.getFileName().toString();
        if (!name.contains("images-idx3")) {
            throw new SinapseException(images + ": cannot guess the labels file of this IDX images file; set data.labels_path");
        }
        return images.resolveSibling(name.replace("images-idx3", "labels-idx1"));
    }

    /** One shuffle with data.shuffle_seed; the first data.dev_rows rows are the dev set, like the tutorial. */
    public static Split split(Dataset all, DataConfig d) {
        int dev = d.getDevRows();
        if (dev >= all.size()) {
            throw new SinapseException("data.dev_rows is " + dev + " but " + all.source() + " has only " + all.size()
                    + " rows; leave some for training");
        }
        int[] order = all.naturalOrder();
        new Rng(d.getShuffleSeed()).shuffle(order);
        Dataset shuffled = all.select(order);
        // a table's standardisation and fill values are fitted here, on the training rows alone
        return Tables.fitted(new Split(shuffled.slice(dev, shuffled.size()), shuffled.slice(0, dev)), d);
    }

    public static String resourceText(String name) {
        try (InputStream in = Experiments.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }

    static String fileText(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new SinapseException(p + ": " + e.getMessage());
        }
    }
}
