package dev.sinapse.spark;

import com.google.inject.Injector;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sinapse.api.Registries;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.training.CheckpointCheck;
import dev.sinapse.apps.training.Checkpoints;
import dev.sinapse.apps.training.Metrics;
import dev.sinapse.apps.training.Provenances;
import dev.sinapse.apps.training.RunRecorder;
import dev.sinapse.apps.training.Trainer;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.RunDirectory;
import dev.sinapse.io.checkpoint.RunLock;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.config.Overrides;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.DataConfig;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.io.proto.Provenance;
import dev.sinapse.kernels.Kernels;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One trial, as one Spark task: trains the base experiment with the trial's overrides to {@code epochs} in its own run
 * directory, exactly as {@code train --config BASE --set ... --out DIR} would (the same {@link Trainer},
 * {@link RunRecorder} and checkpoints), or continues the run already there from its last.ckpt: after a task that died,
 * and for a trial promoted to the next rung of successive halving. A resume is bit-exact, so either way the result
 * is the straight run's. The result is also written to the run directory, so a rerun of the sweep skips the trial.
 */
public final class TrialTask implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Fault injection for tests: {@code ID:STEP} fails trial ID's task once, right after its step STEP. */
    public static final String FAULT_PROPERTY = "sinapse.sweep.fault";
    public static final String FAULT_ENV = "SINAPSE_SWEEP_FAULT";
    static final String FAULT_MARKER = "fault-injected";

    private final String id;
    private final byte[] base;
    private final String baseDir;
    private final String baseSource;
    private final ArrayList<String> sets;
    private final int epochs;
    private final String dir;
    private final String kernel;
    private final SweepPlan.Objective objective;

    TrialTask(String id, Experiment base, Path baseDir, String baseSource, List<String> sets, int epochs, Path dir,
            String kernel, SweepPlan.Objective objective) {
        this.id = id;
        this.base = base.toByteArray();
        this.baseDir = baseDir.toString();
        this.baseSource = baseSource;
        this.sets = new ArrayList<>(SweepPlan.withEpochs(sets, epochs));
        this.epochs = epochs;
        this.dir = dir.toAbsolutePath().toString();
        this.kernel = kernel;
        this.objective = objective;
    }

    public String id() {
        return id;
    }

    public int epochs() {
        return epochs;
    }

    /** The trial's run directory. */
    public Path dir() {
        return Path.of(dir);
    }

    /**
     * Trains (or continues) the trial and returns its result. A user error (a config that diverges, data that does
     * not fit) is the trial's result, "failed", not a task failure: retrying would fail the same way. Anything else,
     * such as a dying executor or an injected fault, fails the task, and Spark runs it again.
     */
    public TrialResult call() {
        long started = System.nanoTime();
        try {
            TrialResult r = train();
            TrialResult.write(dir(), r);
            return r;
        } catch (SinapseException e) {
            TrialResult r = TrialResult.failed(id, epochs, e.getMessage(), (System.nanoTime() - started) / 1e9, objective);
            TrialResult.write(dir(), r);
            return r;
        }
    }

    private TrialResult train() {
        Experiment raw;
        try {
            raw = Experiment.parseFrom(base);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the base experiment did not survive serialization", e);
        }
        Experiments.Loaded loaded = Experiments.resolve(raw, sets, Path.of(baseDir), baseSource);
        Experiment experiment = loaded.experiment();
        Injector injector = Shared.injector();
        Registries registries = injector.getInstance(Registries.class);
        Experiments.Data data = Shared.data(loaded);
        Experiments.Split split = Experiments.split(data.rows(), experiment.getData());
        Trainer trainer = Trainer.create(experiment, registries, split, injector.getInstance(Kernels.class),
                Experiments.threads(experiment));
        if (!kernel.isEmpty() && !kernel.equals("auto")) {
            trainer.useKernel(kernel, "kernel");
        }
        try {
            Files.createDirectories(dir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        RunDirectory run = new RunDirectory(dir());
        try (RunLock lock = RunLock.acquire(run)) {
            Provenance provenance = Provenances.of(loaded, data.sha256(), split);
            Path last = run.last();
            long resumedFrom = -1;
            if (Files.isRegularFile(last)) {
                resumedFrom = resume(trainer, experiment, CheckpointFile.read(last), last, registries, data.sha256());
            } else {
                RunDirectory.clearPreviousRun(dir());   // a task that died before its first checkpoint
            }
            if (!trainer.finished()) {
                RunRecorder recorder = new RunRecorder(run, provenance);
                Trainer.Listener both = new Trainer.Listener() {
                    @Override
                    public void onStart(Trainer t) {
                        recorder.onStart(t);
                    }

                    @Override
                    public void onLog(Trainer t, Metrics m) {
                        recorder.onLog(t, m);
                    }

                    @Override
                    public void onStep(Trainer t) {
                        injectFault(t.step());
                    }

                    @Override
                    public void onEpochEnd(Trainer t) {
                        recorder.onEpochEnd(t);
                    }

                    @Override
                    public void onEnd(Trainer t) {
                        recorder.onEnd(t);
                    }
                };
                try {
                    trainer.run(both, () -> false);
                } finally {
                    recorder.closeMetrics();
                }
            }
            Trainer.Evaluation tr = trainer.evaluate(split.train());
            Trainer.Evaluation dv = trainer.evaluate(split.dev());
            return new TrialResult(id, epochs, TrialResult.DONE, dv.accuracy(), dv.loss(), tr.accuracy(), tr.loss(),
                    trainer.step(), trainer.elapsedSeconds(), resumedFrom, trainer.kernel().name(), "", objective);
        }
    }

    /**
     * Continues the run in this trial's directory, which must be this trial's: the same config but for the epochs.
     * Returns the step it continues from.
     */
    private long resume(Trainer trainer, Experiment experiment, Checkpoint ckpt, Path last, Registries registries, String sha) {
        CheckpointCheck.check(ckpt, last, registries);
        Experiment saved = Experiments.fromCheckpoint(Checkpoints.experiment(ckpt),
                List.of("training.epochs=" + epochs), last.toString()).experiment();
        List<String> changed = Overrides.changedPaths(saved, experiment);
        if (!changed.isEmpty()) {
            throw new SinapseException(last + " holds a run of another config (" + String.join(", ", changed)
                    + " differ from trial " + id + "'s); move it away or sweep into another --out directory");
        }
        String before = ckpt.getProvenance().getDataSha256();
        if (!before.isEmpty() && !before.equals(sha)) {
            throw new SinapseException(last + ": the training data changed since this checkpoint; resuming would not continue the same run");
        }
        Checkpoints.restore(trainer, ckpt, last);
        return trainer.step();
    }

    /** The test hook: fails this task once at the configured step; the marker file makes the retry go through. */
    private void injectFault(long step) {
        String fault = System.getProperty(FAULT_PROPERTY, System.getenv().getOrDefault(FAULT_ENV, ""));
        if (fault.isEmpty() || !fault.equals(id + ":" + step)) {
            return;
        }
        Path marker = dir().resolve(FAULT_MARKER);
        try {
            Files.createFile(marker);
        } catch (java.nio.file.FileAlreadyExistsException once) {
            return;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new InjectedFault("injected fault: trial " + id + " killed after step " + step + " (" + FAULT_PROPERTY + ")");
    }

    /** The failure the test hook raises: not a {@link SinapseException}, so Spark retries the task. */
    static final class InjectedFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFault(String message) {
            super(message);
        }
    }

    /**
     * What trials on one executor share: the Guice injector (the registries; stateless factories) and the data read
     * from each data config. Rows are never written after loading, and every trial makes its own split (a view) and
     * its own network, optimizer and random streams, so sharing them cannot change a result.
     */
    static final class Shared {
        private static volatile Injector injector;
        private static final ConcurrentHashMap<List<Object>, Experiments.Data> DATA = new ConcurrentHashMap<>();

        private Shared() {
        }

        static Injector injector() {
            Injector i = injector;
            if (i == null) {
                synchronized (Shared.class) {
                    if (injector == null) {
                        injector = Injection.create();
                    }
                    i = injector;
                }
            }
            return i;
        }

        static Experiments.Data data(Experiments.Loaded l) {
            // the fields loadData reads (not the split's dev_rows and shuffle_seed), and the input size it checks
            DataConfig d = l.experiment().getData().toBuilder().clearDevRows().clearShuffleSeed().build();
            List<Object> key = List.of(d, l.experiment().getNetwork().getInputSize());
            // read once per executor: trials starting together wait for the first read rather than repeat it
            return DATA.computeIfAbsent(key, k -> Experiments.loadData(l));
        }
    }
}
