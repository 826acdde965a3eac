package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.apps.cli.Main;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A learning rate too large for the network makes the loss NaN or infinite: training stops with one line naming
 * the step, exit code 2, and every checkpoint left on disk holds finite weights from before that step.
 */
class DivergenceTest {
    private static final String ADVICE = "; lower optimizer.learning_rate or set training.clip_norm; ";

    @TempDir
    Path tmp;

    @Test
    void aDivergingRunNamesTheStepAndTheLastCheckpointIsTheLastFiniteOne() throws IOException {
        // Without the ReLU the two dense layers multiply: each step grows both weight matrices in proportion to
        // the other, so the weights grow geometrically; the loss stays finite for a few epochs, then overflows. From
        // the fourth step on the loss sits near the cross-entropy clamp, which a log point would call divergence
        // (aLossStuckAtTheCrossEntropyClampIsDivergence): here no log point comes first, so the per-step check stops it.
        Path config = Cli.articleConfig(tmp, 600, "linear");
        Files.writeString(config, Files.readString(config).replace("layers { name: \"relu\" type: \"relu\" }", ""));
        Path out = tmp.resolve("run");
        int batch = 50, trainRows = 600 - 200, stepsPerEpoch = trainRows / batch;
        Cli.Result r = Cli.run("train", "--config", config.toString(), "--out", out.toString(),
                "--set", "optimizer.learning_rate=1", "--set", "training.batch_size=" + batch, "--set", "training.epochs=30",
                "--set", "training.checkpoint_every_epochs=1", "--set", "training.keep_checkpoints=3", "--set", "training.log_every=1000");

        assertThat(r.code()).as(r.err()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.out()).doesNotContain("done:");
        Matcher m = Pattern.compile("error: training diverged at step (\\d+): the loss is (NaN|Infinity|-Infinity)"
                + Pattern.quote(ADVICE + "the last good checkpoint stays " + out.resolve("last.ckpt") + " (step ")
                + "(\\d+)\\)").matcher(r.err().strip());
        assertThat(m.matches()).as(r.err()).isTrue();
        long diverged = Long.parseLong(m.group(1));
        assertThat(diverged).as("diverges after a few epochs, so a checkpoint exists").isGreaterThan(2L * stepsPerEpoch);

        // last.ckpt is written at every epoch end: the last one before the diverged step is the newest good state
        long lastEpochEnd = (diverged - 1) / stepsPerEpoch * stepsPerEpoch;
        Checkpoint last = CheckpointFile.read(out.resolve("last.ckpt"));
        assertThat(last.getPosition().getStep()).isEqualTo(lastEpochEnd).isEqualTo(Long.parseLong(m.group(3)));
        assertThat(last.getPosition().getBatchInEpoch()).isZero();
        assertThat(last.getPosition().getFinished()).isFalse();
        assertFinite(last);

        // the numbered snapshots and best.ckpt (written at the evaluations, once an epoch) are from before the
        // divergence too, and finite
        List<Path> all;
        try (Stream<Path> files = Files.list(out)) {
            all = files.filter(f -> f.toString().endsWith(".ckpt")).toList();
        }
        assertThat(all).hasSizeGreaterThanOrEqualTo(3);
        for (Path f : all) {
            Checkpoint c = CheckpointFile.read(f);
            assertThat(c.getPosition().getStep()).as(f.toString()).isLessThan(diverged);
            assertFinite(c);
        }
        // the metrics file was written and closed, its points all before the divergence
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(rows.get(0)).startsWith("step,");
        for (String row : rows.subList(1, rows.size())) {
            assertThat(Long.parseLong(row.split(",")[0])).isLessThan(diverged);
        }
    }

    @Test
    void anUpdateThatOverflowsTheWeightsIsNeverSaved() throws IOException {
        // full batch: the first epoch is one step, whose update (rate 1e39 × a gradient) overflows float32;
        // the save at the end of that epoch is refused instead of writing infinite weights
        Path out = tmp.resolve("overflow");
        Cli.Result r = Cli.run("train", "--quiet", "--config", Cli.articleConfig(tmp, 300, "overflow").toString(),
                "--out", out.toString(), "--set", "optimizer.learning_rate=1e39", "--set", "training.epochs=5",
                "--set", "training.checkpoint_every_epochs=1");

        assertThat(r.code()).as(r.err()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).doesNotContain("\tat ");
        assertThat(r.err().strip()).matches("error: training diverged at step 1: parameter '(hidden|output)\\.[Wb]' is no longer finite"
                + Pattern.quote(ADVICE + "no checkpoint was saved before it"));
        assertThat(r.out()).doesNotContain("done:");
        assertThat(out.resolve("last.ckpt")).doesNotExist();
        assertThat(out.resolve("best.ckpt")).doesNotExist();
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".ckpt") || n.endsWith(".tmp"));
        }
    }

    @Test
    void aDivergenceBeforeTheFirstSaveDoesNotClaimACheckpoint() throws IOException {
        // mini-batches: the overflow at step 1 shows as a NaN loss at step 2, inside the first epoch
        Path out = tmp.resolve("early");
        Cli.Result r = Cli.run("train", "--quiet", "--config", Cli.articleConfig(tmp, 300, "early").toString(),
                "--out", out.toString(), "--set", "optimizer.learning_rate=1e39", "--set", "training.batch_size=10");

        assertThat(r.code()).as(r.err()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err().strip()).matches("error: training diverged at step 2: the loss is (NaN|Infinity)"
                + Pattern.quote(ADVICE + "no checkpoint was saved before it"));
        assertThat(out.resolve("last.ckpt")).doesNotExist();
    }

    /**
     * A learning rate of a million does not make the cross-entropy NaN: the outputs saturate, the loss sits near its
     * clamp (−log 1e-30 ≈ 69.08) and the run used to end with exit code 0 at chance accuracy. It is divergence: the
     * first log point whose mean loss is at least half the clamp stops the run, the same way as a NaN.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "sgd, 0, 10, 1, 10",     // full batch: a step an epoch, a log point every 10 steps
        "adam, 32, 3, 1, 3",     // mini-batches of 32 (100 rows: 4 steps an epoch), a log point every 3 steps
    })
    void aLossStuckAtTheCrossEntropyClampIsDivergence(String optimizer, int batch, int logEvery, long first, long stopped)
            throws IOException {
        Path out = tmp.resolve("stuck-" + optimizer);
        Cli.Result r = Cli.run("train", "--quiet", "--config", Cli.articleConfig(tmp, 300, "stuck-" + optimizer).toString(),
                "--out", out.toString(), "--set", "optimizer.type=" + optimizer, "--set", "optimizer.learning_rate=1e6",
                "--set", "training.batch_size=" + batch, "--set", "training.log_every=" + logEvery, "--set", "training.epochs=30");

        assertThat(r.code()).as(r.err()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.out()).doesNotContain("done:");
        Matcher m = Pattern.compile(Pattern.quote("error: training diverged at step " + stopped + ": the mean loss of steps "
                + first + ".." + stopped + " is ") + "([0-9.]+)" + Pattern.quote(", stuck near the cross-entropy clamp (69.08)"
                + ADVICE) + "(no checkpoint was saved before it|the last good checkpoint stays .*)").matcher(r.err().strip());
        assertThat(m.matches()).as(r.err()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isBetween(69.08 / 2, 69.08);
    }

    private static void assertFinite(Checkpoint c) {
        for (Tensor t : c.getParamsList()) {
            assertThat(t.getValuesList()).as(t.getName()).allMatch(Float::isFinite);
        }
    }
}
