package dev.sinapse.apps.training;

import dev.sinapse.api.Param;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.RunDirectory;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.files.AtomicFiles;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.Provenance;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a run directory as training goes: the resolved config, metrics.csv (a row per point of the history: every
 * log point, every evaluation, the last step), best.ckpt on every new best dev accuracy, last.ckpt every
 * checkpoint_every_epochs epochs and at the end, numbered checkpoints keeping the last K. best.ckpt holds the
 * weights of the evaluation its best names; a run with a dev set that ends before its first evaluation on the
 * eval_every cadence gets the one made at its last step.
 */
public final class RunRecorder implements Trainer.Listener {
    private final RunDirectory run;
    private final Provenance provenance;
    private BufferedWriter metrics;
    private long savedStep = -1;   // step of the last.ckpt this run wrote, -1 before the first

    public RunRecorder(RunDirectory run, Provenance provenance) {
        this.run = run;
        this.provenance = provenance;
    }

    public Path dir() {
        return run.dir();
    }

    public Path metricsFile() {
        return run.dir().resolve("metrics.csv");
    }

    /**
     * A run resumed into another directory takes its best.ckpt along when that file holds the trainer's best (same
     * step), so the new directory has one even if no later evaluation beats it. An unreadable or other file is left.
     */
    public void carryBest(Path previous, Trainer t) {
        Path mine = run.best().toAbsolutePath().normalize();
        if (t.bestStep() < 0 || !Files.isRegularFile(previous) || Files.exists(mine)
                || previous.toAbsolutePath().normalize().equals(mine)) {
            return;
        }
        Checkpoint best;
        try {
            best = CheckpointFile.read(previous);
        } catch (SinapseException e) {
            return;
        }
        if (best.getBest().getStep() == t.bestStep() && best.getPosition().getStep() == t.bestStep()) {
            run.saveBest(best);
        }
    }

    @Override
    public void onStart(Trainer t) {
        run.writeConfig(ConfigFiles.toText(t.experiment()));
        // rewritten from the history, so a resumed run's file has exactly the rows of its checkpoint; whole or not at
        // all, so a crash here leaves the earlier file rather than a cut one
        AtomicFiles.write(metricsFile(), metricsFile().toString(), out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write(Metrics.CSV_HEADER + "\n");
            for (Metrics m : t.history()) {
                w.write(m.csvRow() + "\n");
            }
            w.flush();
        });
        try {
            metrics = Files.newBufferedWriter(metricsFile(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new SinapseException("cannot write " + metricsFile() + ": " + e.getMessage());
        }
    }

    @Override
    public void onLog(Trainer t, Metrics m) {
        writing(() -> {
            try {
                metrics.write(m.csvRow());
                metrics.newLine();
                metrics.flush();
            } catch (IOException e) {
                throw new SinapseException("cannot write " + metricsFile() + ": " + e.getMessage());
            }
            if (t.lastPointSetBest()) {
                run.saveBest(finiteSnapshot(t));
            } else if (m.atEnd() != Metrics.AtEnd.NO && m.evaluated() && t.bestStep() < 0) {
                run.saveBest(finite(t, () -> Checkpoints.snapshotEvaluatedAtEnd(t, provenance, m)));
            }
        });
    }

    @Override
    public void onEpochEnd(Trainer t) {
        int every = t.experiment().getTraining().getCheckpointEveryEpochs();
        if (every > 0 && t.epoch() % every == 0 && t.epoch() < t.totalEpochs()) {
            int keep = t.experiment().getTraining().getKeepCheckpoints();
            writing(() -> {
                Checkpoint c = finiteSnapshot(t);
                run.saveLast(c);
                savedStep = t.step();
                if (keep > 0) {
                    run.saveNumbered(c, t.step(), keep);
                }
            });
        }
    }

    @Override
    public void onEnd(Trainer t) {
        saveLast(t);
        closeMetrics();
    }

    public Path saveLast(Trainer t) {
        writing(() -> run.saveLast(finiteSnapshot(t)));
        savedStep = t.step();
        return run.last();
    }

    /** A failed write ends the run: metrics.csv is closed before the error goes up, so no file stays open. */
    private void writing(Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            try {
                closeMetrics();
            } catch (SinapseException second) {
                e.addSuppressed(second);
            }
            throw e;
        }
    }

    /**
     * Every checkpoint of the run goes through here. An update can overflow the weights to infinity (or NaN)
     * before the next loss shows it; such a file would be useless to resume, so the save is refused and the
     * previous files stay as they were.
     */
    private Checkpoint finiteSnapshot(Trainer t) {
        return finite(t, () -> Checkpoints.snapshot(t, provenance));
    }

    private Checkpoint finite(Trainer t, java.util.function.Supplier<Checkpoint> snapshot) {
        for (Param p : t.network().params()) {
            if (!p.value().allFinite()) {
                throw new SinapseException("training diverged at step " + t.step() + ": parameter '" + p.name()
                        + "' is no longer finite; lower optimizer.learning_rate or set training.clip_norm; " + lastGood());
            }
        }
        return snapshot.get();
    }

    /** Where the last good state is, for a divergence message: the file this run last saved, or none yet. */
    public String lastGood() {
        if (savedStep >= 0) {
            return "the last good checkpoint stays " + run.last() + " (step " + savedStep + ")";
        }
        return Files.isRegularFile(run.last()) ? "the last good checkpoint stays " + run.last()
                : "no checkpoint was saved before it";
    }

    public void closeMetrics() {
        if (metrics != null) {
            try {
                metrics.close();
            } catch (IOException e) {
                throw new SinapseException("cannot write " + metricsFile() + ": " + e.getMessage());
            }
            metrics = null;
        }
    }
}
