package dev.sinapse.spark;

import com.google.protobuf.TextFormat;
import dev.sinapse.api.Layer;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.inference.Models;
import dev.sinapse.io.config.Overrides;
import dev.sinapse.io.files.AtomicFiles;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.spark.proto.Sweep;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The driver of a sweep: the trials of a plan, each a one-task Spark job, so results arrive (and are printed, and
 * written to trials.csv) as each trial finishes, while Spark keeps every executor core busy. With successive halving,
 * each rung waits for the previous one, then the best fraction goes on from its checkpoints.
 *
 * <p>Resumable: {@code DIR/sweep.textproto} keeps the sweep (its base experiment inlined) and {@code DIR/trials.tsv}
 * each trial's id and overrides; a rerun keeps the ids, skips trials whose result is saved, and continues the others
 * from their last.ckpt. A rerun whose config changes anything but adds trials is refused.
 */
public final class SweepRunner {
    static final String SWEEP_FILE = "sweep.textproto";
    static final String TRIALS_FILE = "trials.tsv";
    static final String CSV = "trials.csv";
    static final String PNG = "sweep.png";

    private SweepRunner() {
    }

    /** Where a trial stands at the end of the sweep (or now). */
    public record Row(SweepPlan.Trial trial, TrialResult result, String status) {
    }

    /** Runs (or continues) the sweep of {@code plan} in {@code out}; returns the trials, best first. */
    public static List<Row> run(SweepPlan plan, Path out, JavaSparkContext sc, PrintWriter console) {
        Path dir = out.toAbsolutePath().normalize();
        long started = System.nanoTime();
        List<SweepPlan.Trial> trials = merge(plan, dir);
        Map<String, TrialResult> latest = new HashMap<>();
        Map<String, String> status = new LinkedHashMap<>();
        trials.forEach(t -> status.put(t.id(), "pending"));
        List<SweepPlan.Trial> alive = trials;
        for (int r = 0; r < plan.rungCount(); r++) {
            if (plan.rungs().size() > 1) {
                console.printf(Locale.ROOT, "rung %d of %d: %d trial%s to %d epochs%n", r + 1, plan.rungCount(), alive.size(),
                        alive.size() == 1 ? "" : "s", plan.rungs().get(r));
                console.flush();
            }
            runRung(plan, dir, sc, console, alive, r, latest, status, trials);
            if (r + 1 < plan.rungCount()) {
                List<SweepPlan.Trial> ranked = ranked(alive, latest, plan.objective());
                int keep = Math.max(1, (int) Math.ceil(alive.size() * plan.keep()));
                for (SweepPlan.Trial t : ranked.subList(keep, ranked.size())) {
                    if (latest.get(t.id()).done()) {
                        status.put(t.id(), "pruned after " + latest.get(t.id()).epochs() + " epochs");
                    }
                }
                alive = ranked.subList(0, keep).stream().filter(t -> latest.get(t.id()).done()).toList();
            }
        }
        List<Row> rows = rows(trials, latest, status, plan.objective());
        SweepReport.csv(dir.resolve(CSV), plan, rows);
        SweepReport.chart(dir.resolve(PNG), plan, rows);
        SweepReport.leaderboard(console, plan, rows);
        double training = rows.stream().filter(r -> r.result() != null).mapToDouble(r -> r.result().seconds()).sum();
        console.printf(Locale.ROOT, "%d trials in %.1f s on %d Spark cores (%.1f s of training in all); wrote %s and %s%n",
                rows.size(), (System.nanoTime() - started) / 1e9, sc.sc().defaultParallelism(), training, dir.resolve(CSV),
                dir.resolve(PNG));
        console.flush();
        return rows;
    }

    private static void runRung(SweepPlan plan, Path dir, JavaSparkContext sc, PrintWriter console, List<SweepPlan.Trial> alive,
            int rung, Map<String, TrialResult> latest, Map<String, String> status, List<SweepPlan.Trial> all) {
        Map<SweepPlan.Trial, JavaFutureAction<List<TrialResult>>> running = new LinkedHashMap<>();
        int finished = 0;
        for (SweepPlan.Trial t : longestFirst(plan, alive, rung)) {
            int epochs = plan.epochs(t, rung);
            Path trialDir = dir.resolve("trials").resolve(t.id());
            TrialResult saved = TrialResult.read(trialDir, epochs, plan.objective());
            if (saved != null) {
                latest.put(t.id(), saved);
                status.put(t.id(), TrialResult.DONE);
                finished++;
                progress(console, finished, alive.size(), t, saved, " (done before, skipped)", plan);
                continue;
            }
            TrialTask task = new TrialTask(t.id(), plan.base(), plan.baseDir(), plan.baseSource(), t.sets(), epochs, trialDir,
                    plan.sweep().getKernel(), plan.objective());
            sc.setJobDescription("trial " + t.id() + " to " + epochs + " epochs");
            running.put(t, sc.parallelize(List.of(task), 1).map(TrialTask::call).collectAsync());
            status.put(t.id(), "running");
        }
        write(plan, dir, all, latest, status);
        while (!running.isEmpty()) {
            SweepPlan.Trial done = null;
            for (Map.Entry<SweepPlan.Trial, JavaFutureAction<List<TrialResult>>> e : running.entrySet()) {
                if (e.getValue().isDone()) {
                    done = e.getKey();
                    break;
                }
            }
            if (done == null) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SinapseException("interrupted; rerun the same command to continue the sweep");
                }
                continue;
            }
            TrialResult r = outcome(done, running.remove(done), plan.epochs(done, rung), plan.objective());
            latest.put(done.id(), r);
            status.put(done.id(), r.status());
            finished++;
            progress(console, finished, alive.size(), done, r, "", plan);
            write(plan, dir, all, latest, status);
        }
    }

    /**
     * The trials in the order their jobs are submitted: the most arithmetic first (forward FLOPs per sample ×
     * epochs; ties keep trial order). Spark starts jobs in submission order, so with S slots the long trials start
     * together and the short ones fill in around them, rather than one long trial starting last and running alone
     * at the end. The order changes nothing in a trial's result, only when it runs.
     */
    static List<SweepPlan.Trial> longestFirst(SweepPlan plan, List<SweepPlan.Trial> trials, int rung) {
        Map<String, Long> cost = new HashMap<>();
        Registries registries = TrialTask.Shared.injector().getInstance(Registries.class);
        for (SweepPlan.Trial t : trials) {
            long c;
            try {
                Experiment e = plan.experiment(t, plan.epochs(t, rung));
                long flops = 0;
                for (Layer l : Models.build(e, registries, new Rng(0)).layers()) {
                    flops += l.forwardFlopsPerSample();
                }
                c = flops * Math.max(1, e.getTraining().getEpochs());
            } catch (RuntimeException unbuildable) {
                c = 0;   // its task fails with the config's own message; when it runs does not matter
            }
            cost.put(t.id(), c);
        }
        List<SweepPlan.Trial> order = new ArrayList<>(trials);
        order.sort(Comparator.comparingLong((SweepPlan.Trial t) -> -cost.get(t.id())));
        return order;
    }

    private static TrialResult outcome(SweepPlan.Trial t, JavaFutureAction<List<TrialResult>> f, int epochs, SweepPlan.Objective o) {
        try {
            return f.get().get(0);
        } catch (ExecutionException e) {
            // the task failed every attempt Spark allows (spark.task.maxFailures); the trial continues on the next rerun
            String why = e.getCause() == null ? String.valueOf(e.getMessage()) : String.valueOf(e.getCause().getMessage());
            return TrialResult.failed(t.id(), epochs, AtomicFiles.oneLine(why.lines().findFirst().orElse(why)), 0, o);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinapseException("interrupted; rerun the same command to continue the sweep");
        }
    }

    private static void progress(PrintWriter console, int finished, int of, SweepPlan.Trial t, TrialResult r, String note, SweepPlan plan) {
        String values = t.values().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        if (r.done()) {
            console.printf(Locale.ROOT, "[%d/%d] trial %s %s: %s %.4f after %d epochs, %d steps, %.1f s%s%n", finished, of, t.id(),
                    values, plan.objective().metric(), r.metric(), r.epochs(), r.steps(), r.seconds(), note);
        } else {
            console.printf(Locale.ROOT, "[%d/%d] trial %s %s: failed: %s%n", finished, of, t.id(), values, r.error());
        }
        console.flush();
    }

    private static void write(SweepPlan plan, Path dir, List<SweepPlan.Trial> all, Map<String, TrialResult> latest,
            Map<String, String> status) {
        SweepReport.csv(dir.resolve(CSV), plan, rows(all, latest, status, plan.objective()));
    }

    /** Every trial, ranked by its latest result (further rungs first: a trial that went further beat the others). */
    static List<Row> rows(List<SweepPlan.Trial> trials, Map<String, TrialResult> latest, Map<String, String> status,
            SweepPlan.Objective o) {
        List<Row> rows = new ArrayList<>();
        for (SweepPlan.Trial t : trials) {
            rows.add(new Row(t, latest.get(t.id()), status.get(t.id())));
        }
        rows.sort(Comparator.<Row>comparingInt(r -> r.result() == null ? Integer.MAX_VALUE : -r.result().epochs())
                .thenComparing((a, b) -> o.compare(metric(a.result()), metric(b.result()))));
        return rows;
    }

    private static double metric(TrialResult r) {
        return r == null ? Double.NaN : r.metric();
    }

    private static List<SweepPlan.Trial> ranked(List<SweepPlan.Trial> trials, Map<String, TrialResult> latest, SweepPlan.Objective o) {
        List<SweepPlan.Trial> ranked = new ArrayList<>(trials);
        ranked.sort((a, b) -> o.compare(latest.get(a.id()).metric(), latest.get(b.id()).metric()));   // stable: ties keep trial order
        return ranked;
    }

    /**
     * The plan's trials with the ids they have in {@code dir}: a trial already there keeps its id, a new one gets the
     * next. Refuses a config that changes anything but the trials, or that drops a trial. Saves the sweep and the ids.
     */
    static List<SweepPlan.Trial> merge(SweepPlan plan, Path dir) {
        Sweep inlined = inlined(plan);
        Path sweepFile = dir.resolve(SWEEP_FILE);
        Path trialsFile = dir.resolve(TRIALS_FILE);
        Map<List<String>, String> known = new LinkedHashMap<>();
        if (Files.isRegularFile(sweepFile)) {
            Sweep before;
            try {
                before = SweepPlan.parse(Files.readString(sweepFile, StandardCharsets.UTF_8), sweepFile.toString(), false);
            } catch (IOException e) {
                throw new SinapseException(sweepFile + ": cannot read: " + AtomicFiles.describe(e));
            }
            List<String> changed = changedOutsideTrials(before, inlined);
            if (!changed.isEmpty()) {
                throw new SinapseException(dir + " holds a sweep with another config (" + String.join(", ", changed)
                        + " changed); a rerun may only add trials: sweep into a new --out directory");
            }
            try {
                for (String line : Files.readAllLines(trialsFile, StandardCharsets.UTF_8)) {
                    String[] f = line.split("\t");
                    known.put(List.of(f).subList(1, f.length), f[0]);
                }
            } catch (IOException e) {
                throw new SinapseException(trialsFile + ": cannot read: " + AtomicFiles.describe(e));
            }
        } else if (Files.isDirectory(dir) && Files.exists(dir.resolve("trials"))) {
            throw new SinapseException(dir + " holds trials but no " + SWEEP_FILE + "; sweep into a new --out directory");
        }
        Map<List<String>, SweepPlan.Trial> planned = new LinkedHashMap<>();
        plan.trials().forEach(t -> planned.put(t.sets(), t));
        for (Map.Entry<List<String>, String> k : known.entrySet()) {
            if (!planned.containsKey(k.getKey())) {
                throw new SinapseException(dir + ": trial " + k.getValue() + " (" + String.join(" ", k.getKey())
                        + ") is not in this config; a rerun may only add trials: sweep into a new --out directory");
            }
        }
        int next = known.values().stream().mapToInt(Integer::parseInt).max().orElse(-1) + 1;
        List<SweepPlan.Trial> trials = new ArrayList<>();
        for (SweepPlan.Trial t : plan.trials()) {
            String id = known.get(t.sets());
            trials.add(new SweepPlan.Trial(id != null ? id : SweepPlan.id(next++), t.sets(), t.values()));
        }
        trials.sort(Comparator.comparing(SweepPlan.Trial::id));
        AtomicFiles.write(sweepFile, sweepFile.toString(), out -> text(out, TextFormat.printer().printToString(inlined)));
        AtomicFiles.write(trialsFile, trialsFile.toString(), out -> text(out, trials.stream()
                .map(t -> t.id() + "\t" + String.join("\t", t.sets())).collect(Collectors.joining("\n", "", "\n"))));
        return trials;
    }

    private static void text(java.io.OutputStream out, String s) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        w.write(s);
        w.flush();
    }

    /** The sweep with its base experiment written in, so a changed base file counts as a changed sweep. */
    private static Sweep inlined(SweepPlan plan) {
        return plan.sweep().toBuilder().clearBaseConfig().setExperiment(plan.base()).build();
    }

    /** The fields, outside those that make the trials, that differ; the base experiment field by field. */
    static List<String> changedOutsideTrials(Sweep before, Sweep after) {
        List<String> changed = new ArrayList<>();
        for (var f : Sweep.getDescriptor().getFields()) {
            if (SweepPlan.TRIAL_FIELDS.contains(f.getName()) || f.getName().equals("experiment")) {
                continue;
            }
            boolean differ = f.isRepeated() ? !before.getField(f).equals(after.getField(f))
                    : before.hasField(f) != after.hasField(f) || !before.getField(f).equals(after.getField(f));
            if (differ) {
                changed.add(f.getName());
            }
        }
        Experiment a = before.getExperiment(), b = after.getExperiment();
        Overrides.changedPaths(a, b).forEach(p -> changed.add("base experiment " + p));
        return changed;
    }
}
