package dev.sinapse.apps;

import dev.sinapse.api.SinapseException;
import dev.sinapse.io.checkpoint.RunDirectory;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.proto.Provenance;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a run directory as training goes: the resolved config, metrics.csv (a row per logged step),
 * best.ckpt on every new best dev accuracy, last.ckpt every checkpoint_every_epochs epochs and at the end,
 * numbered checkpoints keeping the last K.
 */
final class RunRecorder implements Trainer.Listener {
    private final RunDirectory run;
    private final Provenance provenance;
    private BufferedWriter metrics;

    RunRecorder(RunDirectory run, Provenance provenance) {
        this.run = run;
        this.provenance = provenance;
    }

    Path dir() {
        return run.dir();
    }

    Path metricsFile() {
        return run.dir().resolve("metrics.csv");
    }

    @Override
    public void onStart(Trainer t) {
        run.writeConfig(ConfigFiles.toText(t.experiment));
        try {
            // rewritten from the history, so a resumed run's file has exactly the rows of its checkpoint
            metrics = Files.newBufferedWriter(metricsFile(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            metrics.write(Metrics.CSV_HEADER);
            metrics.newLine();
            for (Metrics m : t.history) {
                metrics.write(m.csvRow());
                metrics.newLine();
            }
            metrics.flush();
        } catch (IOException e) {
            throw new SinapseException("cannot write " + metricsFile() + ": " + e.getMessage());
        }
    }

    @Override
    public void onLog(Trainer t, Metrics m) {
        try {
            metrics.write(m.csvRow());
            metrics.newLine();
            metrics.flush();
        } catch (IOException e) {
            throw new SinapseException("cannot write " + metricsFile() + ": " + e.getMessage());
        }
        if (t.lastLogWasBest()) {
            run.saveBest(Checkpoints.snapshot(t, provenance));
        }
    }

    @Override
    public void onEpochEnd(Trainer t) {
        int every = t.experiment.getTraining().getCheckpointEveryEpochs();
        if (every > 0 && t.epoch % every == 0 && t.epoch < t.totalEpochs()) {
            saveLast(t);
            run.saveNumbered(Checkpoints.snapshot(t, provenance), t.step, t.experiment.getTraining().getKeepCheckpoints());
        }
    }

    @Override
    public void onEnd(Trainer t) {
        saveLast(t);
        closeMetrics();
    }

    Path saveLast(Trainer t) {
        run.saveLast(Checkpoints.snapshot(t, provenance));
        return run.last();
    }

    void closeMetrics() {
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
