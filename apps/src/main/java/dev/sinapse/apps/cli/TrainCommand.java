package dev.sinapse.apps.cli;

import com.google.inject.Injector;
import dev.sinapse.api.Registries;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.report.Describe;
import dev.sinapse.apps.training.CheckpointCheck;
import dev.sinapse.apps.training.Checkpoints;
import dev.sinapse.apps.training.Metrics;
import dev.sinapse.apps.training.Provenances;
import dev.sinapse.apps.training.RunRecorder;
import dev.sinapse.apps.training.Trainer;
import dev.sinapse.apps.training.WarmStart;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.RunDirectory;
import dev.sinapse.io.checkpoint.RunLock;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.config.Overrides;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.io.proto.Provenance;
import dev.sinapse.kernels.Kernels;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code train [--config FILE] [--init-from CKPT] [--set k=v]... [--out DIR] [--force] | train --resume CKPT [--set k=v]...}.
 * With no config, the tutorial's experiment on the bundled digits (or, with --init-from, the checkpoint's). One run per
 * directory, one process at a time: see {@link RunDirectory} and {@link RunLock}. Ctrl-C saves last.ckpt before exiting.
 */
@Command(name = "train", description = "Train a network described by a config file (default: the article's network on the bundled MNIST sample).")
public final class TrainCommand implements Callable<Integer> {
    /** Fields a resumed run may change: they do not alter the model, the data split or the random streams. */
    static final List<String> SAFE_ON_RESUME = List.of("training.epochs", "training.log_every", "training.threads",
            "training.checkpoint_every_epochs", "training.keep_checkpoints", "training.eval_every.",
            "training.early_stopping.", "data.path", "name");

    @Spec
    CommandSpec spec;

    @Mixin
    ExperimentOptions experiment;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory for checkpoints, config and metrics (default: runs/<time>-<name>; on resume, the checkpoint's directory). One that holds another run is refused unless --force is given.")
    Path out;

    @Option(names = "--force", description = "Replace the run already in --out DIR: its checkpoints, config.textproto, metrics.csv and curves.png are removed once the config and data have been checked, just before training starts; other files in DIR stay. Without it, train refuses a directory that holds another run.")
    boolean force;

    @Option(names = "--resume", paramLabel = "CKPT", description = "Continue the run saved in this checkpoint, exactly where it stopped.")
    Path resume;

    @Option(names = "--init-from", paramLabel = "CKPT", description = "Start a new run from this checkpoint's weights and batch-norm statistics, with a fresh optimizer at step 0. The network is the checkpoint's config (with --set), or --config's; its parameters must match the checkpoint's by layer name and shape.")
    Path initFrom;

    @Option(names = "--quiet", description = "Print only the final result.")
    boolean quiet;

    @Option(names = "--log-every", paramLabel = "N", description = "Print a line and add a metrics.csv row every N steps; same as --set training.log_every=N. Never changes the model: the dev set is evaluated every training.eval_every.")
    Integer logEvery;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (resume != null && experiment.config != null) {
            throw new SinapseException("--resume and --config cannot be used together: the checkpoint holds its config");
        }
        if (resume != null && initFrom != null) {
            throw new SinapseException("--init-from and --resume cannot be used together: --resume continues a run where it"
                    + " stopped, optimizer and all; --init-from starts a new run from a checkpoint's weights");
        }
        if (logEvery != null) {
            if (logEvery <= 0) {
                throw new SinapseException("--log-every " + logEvery + ": expected a positive number of steps");
            }
            experiment.sets.add("training.log_every=" + logEvery);
        }
        Checkpoint ckpt = resume == null ? null : CheckpointFile.read(resume);
        Checkpoint init = initFrom == null ? null : CheckpointFile.read(initFrom);
        Path ownDir = resume == null ? null : resume.toAbsolutePath().getParent();
        Path dir = this.out != null ? this.out : ownDir;
        // a resume continues the run of its own directory; any other directory must not hold a run, unless --force
        boolean continuing = ownDir != null && dir.toAbsolutePath().normalize().equals(ownDir.normalize());
        if (dir != null && !continuing && !force) {
            refuseIfHoldsRun(dir);   // before the data is read: a quick answer
        }
        if (dir != null && force && init != null && RunDirectory.previousRun(dir).stream()
                .anyMatch(f -> f.toAbsolutePath().normalize().equals(initFrom.toAbsolutePath().normalize()))) {
            throw new SinapseException("--force would delete " + initFrom + ", the --init-from checkpoint, with the rest of the run in "
                    + dir + "; copy it elsewhere first, or train into another --out directory");
        }
        Injector injector = experiment.plugins.injector();
        Registries registries = injector.getInstance(Registries.class);
        if (ckpt != null) {
            CheckpointCheck.check(ckpt, resume, registries);
        }
        Experiments.Loaded loaded = ckpt != null ? resumedConfig(ckpt)
                : init != null && experiment.config == null ? Experiments.fromCheckpoint(init.getConfig(), experiment.sets, initFrom + " (its config)")
                : Experiments.load(experiment.config, experiment.sets);
        Outputs.notInRunDirectory(this.out != null ? this.out : resume != null ? resume.toAbsolutePath().getParent() : null,
                Outputs.input("--config", experiment.config), Outputs.input("data.path", Experiments.dataPath(loaded)));

        long t0 = System.nanoTime();
        Experiments.Data data = Experiments.loadData(loaded);
        Experiments.Split split = Experiments.split(data.rows(), loaded.experiment().getData());
        String sha = data.sha256();
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        if (ckpt != null && !ckpt.getProvenance().getDataSha256().isEmpty() && !ckpt.getProvenance().getDataSha256().equals(sha)) {
            throw new SinapseException(resume + ": the training data changed since this checkpoint (SHA-256 "
                    + shortSha(ckpt.getProvenance().getDataSha256()) + "… then, " + shortSha(sha) + "… now); resuming would not continue the same run");
        }
        Trainer trainer = Trainer.create(loaded.experiment(), registries, split, injector.getInstance(Kernels.class),
                Experiments.threads(loaded.experiment()));
        if (!experiment.kernel.equals("auto")) {
            trainer.useKernel(experiment.kernel, "--kernel");
        }
        if (init != null) {
            WarmStart.apply(trainer.network(), init, initFrom);
        }
        if (ckpt != null) {
            String recorded = Checkpoints.kernelOf(ckpt, resume);
            boolean switching = !experiment.kernel.equals("auto") && !recorded.isEmpty() && !recorded.equals(experiment.kernel);
            try {
                Checkpoints.restore(trainer, ckpt, resume, switching ? experiment.kernel : null);
            } catch (Trainer.KernelUnavailable e) {
                throw new SinapseException(e.getMessage() + "; continue it on the '" + e.available() + "' kernel, matching to"
                        + " float rounding rather than bitwise, with: " + SelfCommand.get() + " train --resume " + resume
                        + " --kernel " + e.available() + experiment.plugins.again() + (e.recorded().equals("fused-vector")
                        ? "; or resume it where Java has the jdk.incubator.vector module and the CPU AVX2" : ""));
            }
            if (switching) {
                spec.commandLine().getErr().printf(Locale.ROOT, "note: this run was trained with the '%s' kernel and goes on"
                        + " with '%s': the continuation matches a straight run to float rounding, not bitwise%n", recorded, experiment.kernel);
                spec.commandLine().getErr().flush();
            }
            if (trainer.finished()) {
                // nothing to train: leave the run directory (metrics.csv, curves.png, checkpoints) as it is
                out.printf(Locale.ROOT, "%s: this run already finished at step %d (epoch %d of %d)%s; nothing to do%n",
                        resume, trainer.step(), trainer.epoch(), trainer.totalEpochs(),
                        trainer.stoppedEarly() ? ", stopped early" : "; raise training.epochs with --set to train on");
                out.flush();
                return 0;
            }
        }
        Provenance provenance = Provenances.of(loaded, sha, split);
        if (init != null) {
            provenance = WarmStart.record(provenance, init, initFrom);
        } else if (ckpt != null) {
            provenance = WarmStart.carry(provenance, ckpt.getProvenance());   // a resumed warm start still says so
        }
        if (dir == null) {
            dir = RunDirectory.newRunDir(Path.of("runs"), loaded.experiment().getName().isEmpty() ? "run" : loaded.experiment().getName());
        }
        RunDirectory run = new RunDirectory(dir);
        RunLock lock = RunLock.acquire(run);   // held while this process trains; the OS drops it if the process dies
        try {
            if (!continuing) {
                // again under the lock: another run may have finished here while this one read its data
                if (force) {
                    RunDirectory.clearPreviousRun(dir);
                } else {
                    refuseIfHoldsRun(dir);
                }
            }
            return train(trainer, loaded, data, split, loadSeconds, ckpt, provenance, run);
        } finally {
            lock.close();
        }
    }

    /** Trains in {@code run}, which this process has locked, and reports. */
    private int train(Trainer trainer, Experiments.Loaded loaded, Experiments.Data data, Experiments.Split split,
            double loadSeconds, Checkpoint ckpt, Provenance provenance, RunDirectory run) {
        PrintWriter out = spec.commandLine().getOut();
        RunRecorder recorder = new RunRecorder(run, provenance);
        if (ckpt != null) {
            recorder.carryBest(resume.toAbsolutePath().resolveSibling("best.ckpt"), trainer);
        }

        if (!quiet) {
            out.printf(Locale.ROOT, "sinapse: %s from %s; %d train rows, %d dev rows from %s (loaded in %.2f s)%n",
                    name(loaded), loaded.source(), split.train().size(), split.dev().size(), data.rows().source()
                    + (loaded.dataNote().isEmpty() ? "" : " (" + loaded.dataNote() + ")"), loadSeconds);
            out.printf(Locale.ROOT, "network: %s; %d parameters; %d epochs of %d steps (batch %d); run directory %s%n",
                    Describe.network(trainer.network()), Describe.parameterCount(trainer.network()),
                    trainer.totalEpochs(), trainer.batchesPerEpoch(), trainer.batchSize(), run.dir());
            out.printf(Locale.ROOT, "kernel: %s%n", trainer.kernel());
            if (ckpt != null) {
                out.printf(Locale.ROOT, "resuming at step %d (epoch %d/%d) from %s%n", trainer.step(), trainer.epochOf(trainer.step()),
                        trainer.totalEpochs(), resume);
            }
            if (!provenance.getInitFrom().isEmpty() && ckpt == null) {
                out.printf(Locale.ROOT, "initialized from %s (params_sha256 %s…); a new run: step 0, a fresh optimizer%n",
                        initFrom, shortSha(provenance.getInitFromParamsSha256()));
            }
            out.flush();
        }
        trainer.learningRateWarning().ifPresent(w -> {
            spec.commandLine().getErr().println("warning: " + w);
            spec.commandLine().getErr().flush();
        });
        Trainer.Listener reporter = quiet ? new Trainer.Listener() { } : new ConsoleReporter(out);
        Trainer.Listener both = new Trainer.Listener() {
            @Override
            public void onStart(Trainer t) {
                recorder.onStart(t);
                reporter.onStart(t);
            }

            @Override
            public void onLog(Trainer t, Metrics m) {
                reporter.onLog(t, m);
                recorder.onLog(t, m);
            }

            @Override
            public void onStep(Trainer t) {
                reporter.onStep(t);
            }

            @Override
            public void onEpochEnd(Trainer t) {
                recorder.onEpochEnd(t);
            }

            @Override
            public void onEnd(Trainer t) {
                recorder.onEnd(t);
                reporter.onEnd(t);
            }
        };

        // Ctrl-C / SIGTERM: the hook asks the loop to stop at the next step boundary and waits for the save
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch saved = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                saved.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sinapse-save-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            trainer.run(both, stop::get);
            if (stop.get() && !trainer.finished()) {
                Path last = recorder.saveLast(trainer);
                recorder.closeMetrics();
                PrintWriter err = spec.commandLine().getErr();
                err.printf(Locale.ROOT, "interrupted at step %d (epoch %d/%d); saved %s%nresume with: %s train --resume %s%s%n",
                        trainer.step(), trainer.epochOf(trainer.step()), trainer.totalEpochs(), last, SelfCommand.get(), last,
                        experiment.plugins.again());
                err.flush();
                return 130;
            }
        } catch (Trainer.Diverged e) {
            recorder.closeMetrics();
            throw new SinapseException(e.getMessage() + "; " + recorder.lastGood());
        } finally {
            // first, and nothing before it that can fail: after any error (an out-of-memory one included) the hook
            // must not wait for a save that will never come
            saved.countDown();
            try {
                recorder.closeMetrics();
            } catch (SinapseException secondary) {
                // an error already on its way out is the one to report
            }
            if (reporter instanceof ConsoleReporter live) {
                live.endLine();   // an interruption or error message starts on its own line
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // already exiting: the hook is running and has been released above
            }
        }
        Trainer.Evaluation tr = trainer.evaluate(split.train());
        Trainer.Evaluation dv = trainer.evaluate(split.dev());
        if (trainer.stoppedEarly()) {
            out.printf(Locale.ROOT, "early stopping at step %d: no dev improvement in %d evaluations; best dev accuracy %.4f at step %d%n",
                    trainer.step(), loaded.experiment().getTraining().getEarlyStopping().getPatience(), trainer.bestDevAccuracy(), trainer.bestStep());
        }
        String devAccuracy = dv.rows() > 0 ? String.format(Locale.ROOT, ", dev accuracy %.4f", dv.accuracy()) : "";
        out.printf(Locale.ROOT, "done: train accuracy %.4f%s, %d steps in %.1f s; saved %s%n",
                tr.accuracy(), devAccuracy, trainer.step(), trainer.elapsedSeconds(), recorder.dir().resolve("last.ckpt"));
        out.println(PlotCommand.afterTraining(recorder.metricsFile(), recorder.dir().resolve(PlotCommand.CURVES)));
        out.flush();
        return 0;
    }

    /** Refuses a directory that holds another run's files, naming the ways out. */
    private static void refuseIfHoldsRun(Path dir) {
        List<Path> files = RunDirectory.previousRun(dir);
        if (files.isEmpty()) {
            return;
        }
        String names = files.stream().limit(5).map(f -> f.getFileName().toString()).collect(Collectors.joining(", "))
                + (files.size() > 5 ? " and " + (files.size() - 5) + " more" : "");
        Path last = dir.resolve("last.ckpt");
        throw new SinapseException(dir + " already holds a run (" + names + "); "
                + (Files.isRegularFile(last) ? "continue it with --resume " + last + ", " : "")
                + "train into a new --out directory, or add --force to replace it");
    }

    private Experiments.Loaded resumedConfig(Checkpoint ckpt) {
        // fields added since the checkpoint was written behave as they did then (eval_every: its log_every)
        Experiment saved = Checkpoints.experiment(ckpt);
        Experiment before = Experiments.fromCheckpoint(saved, List.of(), resume.toString()).experiment();
        Experiments.Loaded l = Experiments.fromCheckpoint(saved, experiment.sets, resume.toString());
        for (String path : Overrides.changedPaths(before, l.experiment())) {
            boolean safe = SAFE_ON_RESUME.stream().anyMatch(s -> s.endsWith(".") ? path.startsWith(s) : path.equals(s));
            if (!safe) {
                throw new SinapseException("--set " + path + ": cannot be changed when resuming " + resume
                        + " (it would not continue the same run); safe to change: " + String.join(", ", SAFE_ON_RESUME).replace(".,", ".*,"));
            }
        }
        return l;
    }

    private static String shortSha(String s) {
        return s.length() > 12 ? s.substring(0, 12) : s;
    }

    private static String name(Experiments.Loaded l) {
        String n = l.experiment().getName();
        return n.isEmpty() ? "experiment" : "'" + n + "'";
    }
}
