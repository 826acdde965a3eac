package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.MetricRecord;
import dev.sinapse.io.proto.TrainerState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bit-exact resume with the features beyond the article: Adam, dropout (masks from a saved generator),
 * batch_norm (running statistics), a step schedule with warm-up, and early stopping. E epochs straight and
 * E/2 + {@code train --resume} + E/2 give the same parameters, optimizer and layer state, generators,
 * history and early-stopping state; when early stopping triggers after the resume, the resumed run stops at
 * the same step and puts back the same best weights.
 *
 * <p>The run: 400 training rows in batches of 32 are 13 steps an epoch; 6 epochs are 78 steps, split after
 * 3 epochs at step 39; a dev evaluation every 5 steps.
 */
class ResumeFeaturesTest {
    private static final int EPOCHS = 6;
    private static final String STRAIGHT = "straight", SPLIT = "split";

    @TempDir
    Path tmp;
    private Path data;

    @BeforeEach
    void smallData() throws Exception {
        data = Cli.smallCsv(tmp, 600);
    }

    @Test
    void adamDropoutBatchNormStepScheduleAndEarlyStoppingResumeBitExactly() throws Exception {
        Checkpoint a = sameRunStraightAndSplit(config("features", 100, 0.0)).straight();

        assertThat(a.getPosition().getStep()).isEqualTo(78);
        assertThat(a.getPosition().getFinished()).isTrue();
        assertThat(a.getTrainer().getStoppedEarly()).isFalse();
        assertThat(a.getTrainer().getBestParamsList()).as("best weights kept for restore_best").isNotEmpty();
        // the schedule is live in this run: lr(t) = 0.003·0.5^⌊t/20⌋, times (t+1)/10 while t < 10 (warm-up);
        // the point logged at step s shows lr(s − 1)
        assertThat(lrAt(a, 5)).isCloseTo(0.003 * 5 / 10, within(1e-12));
        assertThat(lrAt(a, 40)).isCloseTo(0.003 * 0.5, within(1e-12));
        assertThat(lrAt(a, 45)).isCloseTo(0.003 * 0.25, within(1e-12));
    }

    @Test
    void earlyStoppingThatTriggersAfterTheResumeStopsAtTheSameStepWithTheSameBestWeights() throws Exception {
        // an accuracy cannot rise by min_delta 1, so the first evaluation (step 5) stays the best and the 8th
        // evaluation without improvement stops the run: at step 5 + 8·5 = 45, after the split at step 39
        // (6 misses by then, which the checkpoint must carry over)
        Runs runs = sameRunStraightAndSplit(config("stopping", 8, 1.0));
        Checkpoint a = runs.straight(), b = runs.split();
        Path straight = tmp.resolve(STRAIGHT), split = tmp.resolve(SPLIT);

        assertThat(a.getPosition().getStep()).isEqualTo(45);
        assertThat(a.getTrainer().getStoppedEarly()).isTrue();
        Checkpoint best = CheckpointFile.read(straight.resolve("best.ckpt"));
        assertThat(best.getPosition().getStep()).isEqualTo(5);
        assertThat(a.getParamsList()).as("the best weights are put back").isEqualTo(best.getParamsList());
        assertThat(b.getParamsList()).isEqualTo(CheckpointFile.read(split.resolve("best.ckpt")).getParamsList());

        // a run that stopped early stays stopped when resumed with more epochs
        Cli.Result again = Cli.run("train", "--quiet", "--resume", straight.resolve("last.ckpt").toString(),
                "--set", "training.epochs=" + (EPOCHS + 2));
        assertThat(again.code()).as(again.err()).isZero();
        Checkpoint c = CheckpointFile.read(straight.resolve("last.ckpt"));
        assertThat(c.getPosition().getStep()).isEqualTo(45);
        assertThat(c.getParamsList()).isEqualTo(a.getParamsList());
    }

    /** The last checkpoints of a run trained straight through and of the same run split by a resume. */
    private record Runs(Checkpoint straight, Checkpoint split) {
    }

    /** Trains {@code config} for E epochs into straight/, and for E/2 + resume + E/2 into split/: the same run. */
    private Runs sameRunStraightAndSplit(Path config) {
        Runs runs = new Runs(Cli.train(config, tmp.resolve(STRAIGHT), "--set", "training.epochs=" + EPOCHS),
                trainSplit(config, tmp.resolve(SPLIT)));
        assertSameRun(runs.straight(), runs.split());
        return runs;
    }

    private Checkpoint trainSplit(Path config, Path out) {
        Checkpoint half = Cli.train(config, out, "--set", "training.epochs=" + EPOCHS / 2);
        assertThat(half.getPosition().getStep()).isEqualTo(39);
        assertThat(half.getTrainer().getStoppedEarly()).isFalse();

        Cli.Result resumed = Cli.run("train", "--resume", out.resolve("last.ckpt").toString(),
                "--set", "training.epochs=" + EPOCHS);
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming at step 39");
        return CheckpointFile.read(out.resolve("last.ckpt"));
    }

    private static void assertSameRun(Checkpoint a, Checkpoint b) {
        assertThat(b.getPosition()).isEqualTo(a.getPosition());
        assertThat(b.getParamsList()).isEqualTo(a.getParamsList());
        assertThat(b.getOptimizer()).isEqualTo(a.getOptimizer());
        assertThat(b.getLayerStatesList()).as("batch_norm running statistics").isNotEmpty().isEqualTo(a.getLayerStatesList());
        assertThat(b.getRngsList()).isEqualTo(a.getRngsList());
        assertThat(ResumeTest.withoutTimes(b.getHistoryList())).isEqualTo(ResumeTest.withoutTimes(a.getHistoryList()));
        assertThat(b.getBest()).isEqualTo(a.getBest());
        assertThat(withoutTime(b.getTrainer())).isEqualTo(withoutTime(a.getTrainer()));
        assertThat(b.getKernel()).isEqualTo(a.getKernel());
    }

    private static TrainerState withoutTime(TrainerState s) {
        return s.toBuilder().clearElapsedSeconds().build();
    }

    private static double lrAt(Checkpoint c, long step) {
        return c.getHistoryList().stream().filter(m -> m.getStep() == step).findFirst()
                .map(MetricRecord::getLearningRate).orElseThrow(() -> new AssertionError("no log point at step " + step));
    }

    private Path config(String name, int patience, double minDelta) throws Exception {
        return Cli.config(tmp, name, data, """
                layers { name: "norm" type: "batch_norm" }
                layers { name: "relu" type: "relu" }
                layers { name: "drop" type: "dropout" options: [{ key: "rate" value: "0.3" }] }
                """, """
                optimizer {
                  type: "adam"
                  learning_rate: 0.003
                  schedule {
                    type: "step"
                    options: [{ key: "step_size" value: "20" }, { key: "gamma" value: "0.5" }]
                    warmup_steps: 10
                  }
                }
                training {
                  epochs: %d
                  batch_size: 32
                  seed: 3
                  log_every: 5
                  eval_every { steps: 5 }
                  early_stopping { patience: %d min_delta: %s }
                }
                """.formatted(EPOCHS, patience, minDelta));
    }
}
