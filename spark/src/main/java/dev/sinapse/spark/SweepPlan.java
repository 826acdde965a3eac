package dev.sinapse.spark;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import com.google.protobuf.util.JsonFormat;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.files.AtomicFiles;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.spark.proto.Halving;
import dev.sinapse.spark.proto.Mode;
import dev.sinapse.spark.proto.Parameter;
import dev.sinapse.spark.proto.Range;
import dev.sinapse.spark.proto.Scale;
import dev.sinapse.spark.proto.Search;
import dev.sinapse.spark.proto.Sweep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A sweep config turned into its trials: the base experiment as written (so each trial resolves it with its own
 * overrides exactly as {@code train --config BASE --set ...} would), the list of trials with their {@code --set}
 * assignments, the objective and the epochs of each rung. Everything a user can get wrong is refused here, with one
 * line naming the file and field, before Spark starts.
 */
public record SweepPlan(Sweep sweep, Experiment base, Path baseDir, String baseSource, List<Trial> trials,
        List<String> parameterPaths, Objective objective, List<Integer> rungs, double keep) {

    /** One trial: its id (its folder under trials/), the overrides it adds to the base, and its parameter values. */
    public record Trial(String id, List<String> sets, Map<String, String> values) {
    }

    /** The metric a trial is ranked by, and whether more is better. */
    public record Objective(String metric, boolean maximize) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        /** -1 when a ranks before b. Failed trials (NaN) rank last; ties by trial order. */
        public int compare(double a, double b) {
            if (Double.isNaN(a) || Double.isNaN(b)) {
                return Double.isNaN(a) ? (Double.isNaN(b) ? 0 : 1) : -1;
            }
            return maximize ? Double.compare(b, a) : Double.compare(a, b);
        }
    }

    static final List<String> METRICS = List.of("dev_accuracy", "dev_loss", "train_accuracy", "train_loss");
    /** The largest grid or trial count: a plan is held in memory and written as one file. */
    static final int MAX_TRIALS = 1_000_000;

    /** Reads a sweep file (.textproto, .txtpb, .pbtxt, .prototxt or .json). */
    public static Sweep read(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean json = name.endsWith(ConfigFiles.JSON_EXTENSION);
        if (!json && ConfigFiles.TEXT_EXTENSIONS.stream().noneMatch(name::endsWith)) {
            throw new SinapseException(file + ": unknown sweep config extension; expected one of "
                    + String.join(", ", ConfigFiles.TEXT_EXTENSIONS) + " (text format) or " + ConfigFiles.JSON_EXTENSION);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SinapseException(file + ": file not found");
        } catch (IOException e) {
            throw new SinapseException(file + ": cannot read: " + AtomicFiles.describe(e));
        }
        return parse(text, file.toString(), json);
    }

    /** A sweep from text; {@code source} names it in errors ({@code sweep.textproto:3:7: ...}). */
    public static Sweep parse(String text, String source, boolean json) {
        Sweep.Builder b = Sweep.newBuilder();
        try {
            if (json) {
                JsonFormat.parser().merge(text, b);
            } else {
                TextFormat.merge(text, b);
            }
        } catch (TextFormat.ParseException e) {
            String place = e.getLine() >= 0 ? ":" + e.getLine() + ":" + e.getColumn() : "";
            String what = String.valueOf(e.getMessage()).replaceFirst("^" + e.getLine() + ":" + e.getColumn() + ": ", "");
            throw new SinapseException(source + place + ": " + AtomicFiles.oneLine(what));
        } catch (InvalidProtocolBufferException e) {
            throw new SinapseException(source + ": invalid sweep config: " + AtomicFiles.oneLine(String.valueOf(e.getMessage())));
        }
        return b.build();
    }

    /** The trials of {@code s}, read from {@code source} (its folder is where a relative base_config is found). */
    public static SweepPlan of(Sweep s, Path source) {
        String where = source.toString();
        Path folder = source.toAbsolutePath().getParent();
        Experiment base;
        Path baseDir;
        String baseSource;
        switch (s.getBaseCase()) {
            case BASE_CONFIG -> {
                Path file = folder.resolve(s.getBaseConfig()).normalize();
                base = ConfigFiles.read(file);
                baseDir = file.getParent();
                baseSource = file.toString();
            }
            case EXPERIMENT -> {
                base = s.getExperiment();
                baseDir = folder;
                baseSource = where + " (experiment)";
            }
            default -> {
                Experiment article = ConfigFiles.parseText(Experiments.resourceText(Experiments.BUNDLED_CONFIG), "article.textproto (bundled)");
                base = article;
                baseDir = Path.of("").toAbsolutePath();
                baseSource = "article.textproto (bundled)";
            }
        }
        Objective objective = objective(s, where);
        List<Integer> rungs = rungs(s.getHalving(), where);
        int threads = s.getThreadsPerTrial();
        if (threads < 0) {
            throw new SinapseException(where + ": threads_per_trial must be 1 or more (0 or unset: 1), got " + threads);
        }
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < s.getParametersCount(); i++) {
            Parameter p = s.getParameters(i);
            String field = where + ": parameters[" + i + "]";
            if (p.getPath().isBlank()) {
                throw new SinapseException(field + ".path is empty; expected a config path as in --set, e.g. optimizer.learning_rate");
            }
            if (paths.contains(p.getPath())) {
                throw new SinapseException(field + ".path " + p.getPath() + " is already a parameter");
            }
            if (!rungs.isEmpty() && p.getPath().equals("training.epochs")) {
                throw new SinapseException(field + ".path training.epochs: with halving, the rungs set the epochs");
            }
            if (p.getValuesCount() > 0 == p.hasRange()) {
                throw new SinapseException(field + " (" + p.getPath() + "): give either values or a range");
            }
            if (p.hasRange()) {
                checkRange(p.getRange(), field + ".range", s.getSearch());
            }
            paths.add(p.getPath());
        }
        if (s.getRepeats() < 0) {
            throw new SinapseException(where + ": repeats must be 1 or more, got " + s.getRepeats());
        }
        if (s.getRepeats() > 1 && paths.contains("training.seed")) {
            throw new SinapseException(where + ": repeats vary training.seed, which is also a parameter; use one or the other");
        }
        List<Map<String, String>> configs = s.getSearch() == Search.RANDOM ? random(s, where) : grid(s);
        int repeats = Math.max(1, s.getRepeats());
        if ((long) configs.size() * repeats > MAX_TRIALS) {
            throw new SinapseException(where + ": " + (long) configs.size() * repeats + " trials; at most " + MAX_TRIALS);
        }
        List<String> common = new ArrayList<>(s.getSetList());
        common.add("training.threads=" + Math.max(1, threads));
        // the base seed, for repeats: the base experiment with the common overrides, as the trials see it
        long seed = repeats > 1 ? resolve(base, common, baseDir, baseSource).getTraining().getSeed() : 0;
        List<Trial> trials = new ArrayList<>();
        for (Map<String, String> c : configs) {
            for (int r = 0; r < repeats; r++) {
                Map<String, String> values = new LinkedHashMap<>(c);
                if (repeats > 1) {
                    values.put("training.seed", Long.toUnsignedString(seed + r));
                }
                List<String> sets = new ArrayList<>(common);
                values.forEach((k, v) -> sets.add(k + "=" + v));
                trials.add(new Trial(id(trials.size()), List.copyOf(sets), values));
            }
        }
        if (repeats > 1) {
            paths.add("training.seed");
        }
        SweepPlan plan = new SweepPlan(s, base, baseDir, baseSource, List.copyOf(trials), List.copyOf(paths), objective, rungs,
                rungs.isEmpty() ? 1 : s.getHalving().getKeep());
        for (Trial t : trials) {
            plan.check(t, where);
        }
        return plan;
    }

    /** Trial ids: their order, zero-padded so that folders sort as the trials do. */
    static String id(int index) {
        return String.format(Locale.ROOT, "%04d", index);
    }

    /** The experiment a trial trains to {@code epochs} (0: its own), resolved as train resolves it. */
    public Experiment experiment(Trial t, int epochs) {
        return resolve(base, epochs > 0 ? withEpochs(t.sets(), epochs) : t.sets(), baseDir, baseSource);
    }

    static List<String> withEpochs(List<String> sets, int epochs) {
        List<String> all = new ArrayList<>(sets);
        all.add("training.epochs=" + epochs);
        return all;
    }

    private static Experiment resolve(Experiment base, List<String> sets, Path baseDir, String source) {
        return Experiments.resolve(base, sets, baseDir, source).experiment();
    }

    /** The epochs of rung {@code r} for trial {@code t}: the rung's with halving, else the trial's own. */
    public int epochs(Trial t, int r) {
        return rungs.isEmpty() ? experiment(t, 0).getTraining().getEpochs() : rungs.get(r);
    }

    public int rungCount() {
        return Math.max(1, rungs.size());
    }

    /** A trial's config must resolve (its overrides name real fields with valid values), and the objective must be measurable. */
    private void check(Trial t, String where) {
        Experiment e;
        try {
            e = experiment(t, rungs.isEmpty() ? 0 : rungs.get(rungs.size() - 1));
        } catch (SinapseException bad) {
            throw new SinapseException(where + ": trial " + t.id() + " (" + String.join(" ", t.values().entrySet().stream()
                    .map(v -> v.getKey() + "=" + v.getValue()).toList()) + "): " + bad.getMessage());
        }
        if (objective.metric().startsWith("dev_") && e.getData().getDevRows() == 0) {
            throw new SinapseException(where + ": objective.metric " + objective.metric() + " needs a dev set, but data.dev_rows is 0");
        }
    }

    private static Objective objective(Sweep s, String where) {
        String metric = s.getObjective().getMetric().isEmpty() ? "dev_accuracy" : s.getObjective().getMetric();
        if (!METRICS.contains(metric)) {
            throw new SinapseException(where + ": objective.metric '" + metric + "': expected one of " + String.join(", ", METRICS));
        }
        Mode mode = s.getObjective().getMode();
        if (mode == Mode.UNRECOGNIZED) {
            throw new SinapseException(where + ": objective.mode: expected MAXIMIZE or MINIMIZE");
        }
        boolean maximize = mode == Mode.MODE_UNSPECIFIED ? metric.endsWith("accuracy") : mode == Mode.MAXIMIZE;
        return new Objective(metric, maximize);
    }

    private static List<Integer> rungs(Halving h, String where) {
        if (h.getRungsCount() == 0) {
            if (h.getKeep() != 0) {
                throw new SinapseException(where + ": halving.keep is set but halving.rungs is empty; give the epochs of each rung");
            }
            return List.of();
        }
        int previous = 0;
        for (int r : h.getRungsList()) {
            if (r <= previous) {
                throw new SinapseException(where + ": halving.rungs must be positive epochs in increasing order, got "
                        + h.getRungsList());
            }
            previous = r;
        }
        if (!(h.getKeep() > 0 && h.getKeep() < 1)) {
            throw new SinapseException(where + ": halving.keep must be a fraction between 0 and 1 (e.g. 0.5), got " + h.getKeep());
        }
        return List.copyOf(h.getRungsList());
    }

    private static void checkRange(Range r, String field, Search search) {
        if (r.getScale() == Scale.UNRECOGNIZED) {
            throw new SinapseException(field + ".scale: expected UNIFORM, LOG_UNIFORM or INT");
        }
        if (!(Double.isFinite(r.getMin()) && Double.isFinite(r.getMax()) && r.getMin() <= r.getMax())) {
            throw new SinapseException(field + ": expected finite min <= max, got min " + r.getMin() + ", max " + r.getMax());
        }
        if (r.getScale() == Scale.LOG_UNIFORM && r.getMin() <= 0) {
            throw new SinapseException(field + ": a LOG_UNIFORM range needs min > 0, got " + r.getMin());
        }
        if (r.getScale() == Scale.INT && (r.getMin() != Math.rint(r.getMin()) || r.getMax() != Math.rint(r.getMax()))) {
            throw new SinapseException(field + ": an INT range needs whole min and max, got " + r.getMin() + ", " + r.getMax());
        }
        if (r.getPoints() < 0 || search == Search.GRID && r.getScale() != Scale.INT && r.getPoints() < 2 && r.getMin() != r.getMax()) {
            throw new SinapseException(field + ".points: a grid over a " + r.getScale() + " range needs 2 or more points, got "
                    + r.getPoints());
        }
    }

    /** Every combination, the first parameter varying slowest. */
    private static List<Map<String, String>> grid(Sweep s) {
        List<Map<String, String>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Parameter p : s.getParametersList()) {
            List<String> values = p.getValuesCount() > 0 ? p.getValuesList() : gridPoints(p.getRange());
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : out) {
                for (String v : values) {
                    Map<String, String> m = new LinkedHashMap<>(partial);
                    m.put(p.getPath(), v);
                    next.add(m);
                }
                if (next.size() > MAX_TRIALS) {
                    throw new SinapseException("the grid has more than " + MAX_TRIALS + " trials");
                }
            }
            out = next;
        }
        return out;
    }

    static List<String> gridPoints(Range r) {
        List<String> v = new ArrayList<>();
        if (r.getScale() == Scale.INT) {
            long lo = (long) r.getMin(), hi = (long) r.getMax();
            int n = r.getPoints() > 0 ? r.getPoints() : (int) Math.min(hi - lo + 1, MAX_TRIALS + 1L);
            for (int i = 0; i < n; i++) {
                long x = n == 1 ? lo : lo + Math.round((hi - lo) * (double) i / (n - 1));
                if (!v.contains(Long.toString(x))) {
                    v.add(Long.toString(x));
                }
            }
            return v;
        }
        int n = Math.max(1, r.getPoints());
        for (int i = 0; i < n; i++) {
            double f = n == 1 ? 0 : i / (double) (n - 1);
            v.add(number(r.getScale() == Scale.LOG_UNIFORM
                    ? Math.exp(Math.log(r.getMin()) + f * (Math.log(r.getMax()) - Math.log(r.getMin())))
                    : r.getMin() + f * (r.getMax() - r.getMin())));
        }
        return v;
    }

    /**
     * {@code trials} draws from one generator seeded with {@code seed}, each parameter in turn: the first N draws are
     * the same whatever {@code trials} is, so raising it adds trials and changes none.
     */
    private static List<Map<String, String>> random(Sweep s, String where) {
        if (s.getTrials() <= 0) {
            throw new SinapseException(where + ": a RANDOM search needs trials: 1 or more, got " + s.getTrials());
        }
        Rng rng = new Rng(s.getSeed());
        List<Map<String, String>> out = new ArrayList<>();
        for (int t = 0; t < s.getTrials(); t++) {
            Map<String, String> m = new LinkedHashMap<>();
            for (Parameter p : s.getParametersList()) {
                m.put(p.getPath(), draw(p, rng));
            }
            out.add(m);
        }
        return out;
    }

    static String draw(Parameter p, Rng rng) {
        if (p.getValuesCount() > 0) {
            return p.getValues(rng.nextInt(p.getValuesCount()));
        }
        Range r = p.getRange();
        double u = rng.nextDouble();
        return switch (r.getScale()) {
            case INT -> Long.toString((long) r.getMin() + (long) Math.floor(u * ((long) r.getMax() - (long) r.getMin() + 1)));
            case LOG_UNIFORM -> number(Math.exp(Math.log(r.getMin()) + u * (Math.log(r.getMax()) - Math.log(r.getMin()))));
            default -> number(r.getMin() + u * (r.getMax() - r.getMin()));
        };
    }

    /** A drawn number as --set reads it: six significant digits, so trial names and the CSV stay readable. */
    static String number(double x) {
        String s = String.format(Locale.ROOT, "%.6g", x);
        if (s.contains("e")) {
            return s.replaceFirst("\\.?0+e", "e");
        }
        return s.contains(".") ? s.replaceFirst("\\.?0+$", "") : s;
    }

    /** Paths of the sweep that change its trials; any other change makes a different sweep. */
    static final Set<String> TRIAL_FIELDS = Set.of("parameters", "trials", "seed", "repeats", "search");
}
