package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.apps.training.Metrics;
import dev.sinapse.apps.training.MetricsCsv;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.MetricRecord;
import dev.sinapse.io.proto.TrainerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a run means, whatever is shown of it: the dev set is evaluated on its own cadence (training.eval_every), so
 * --log-every never changes the model; best.ckpt holds the weights its metadata names and exists after every run
 * with a dev set; the checkpoint's history and metrics.csv agree, and a finished run resumed with more epochs has
 * the history of the straight run.
 */
class TrainingSemanticsTest {
    private static final Path CONFIGS = Path.of(System.getProperty("basedir", "")).resolve("configs");

    @TempDir
    static Path tmp;
    static Path data;
    static Path article;

    @BeforeAll
    static void smallData() throws Exception {
        data = Cli.smallCsv(tmp, 600);
        article = Cli.articleConfig(tmp, data, "article", "");   // full batch: 400 train rows, 200 dev rows
    }

    private static Cli.Result train(Path config, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--quiet", "--config", config.toString(), "--out", out.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static Checkpoint trained(Path config, String name, String... more) {
        Path out = tmp.resolve(name);
        Cli.Result r = train(config, out, more);
        assertThat(r.code()).as(r.err()).isZero();
        return CheckpointFile.read(out.resolve("last.ckpt"));
    }

    private static String sha(Checkpoint c) {
        return Tensors.paramsSha256(c.getParamsList());
    }

    // ---- eval_every, not log_every, decides the model

    @Test
    void theCosineExampleGivesTheSameModelWithLogEvery1And10And100() {
        // the shipped config, short: 7 steps an epoch, 6 epochs; the dev set every 4 steps; early stopping that
        // triggers (patience 3) and puts back the best weights, which --log-every used to move
        Path cosine = CONFIGS.resolve("cosine-warmup-early-stopping.textproto");
        String[] sets = {"--set", "data.path=" + data.toAbsolutePath(), "--set", "data.dev_rows=200",
            "--set", "training.epochs=6", "--set", "optimizer.schedule.options.total_steps=42",
            "--set", "optimizer.schedule.warmup_steps=7", "--set", "training.eval_every.steps=4",
            "--set", "training.early_stopping.patience=3", "--set", "training.early_stopping.min_delta=0.02"};
        List<Checkpoint> runs = new ArrayList<>();
        for (int every : new int[] {1, 10, 100}) {
            String[] args = java.util.Arrays.copyOf(sets, sets.length + 2);
            args[sets.length] = "--log-every";
            args[sets.length + 1] = Integer.toString(every);
            runs.add(trained(cosine, "cosine-log-" + every, args));
        }
        Checkpoint one = runs.get(0);
        assertThat(one.getTrainer().getStoppedEarly()).as("early stopping is part of what is compared").isTrue();
        assertThat(one.getPosition().getStep()).isLessThan(42);
        for (Checkpoint c : runs) {
            assertThat(sha(c)).isEqualTo(sha(one));
            assertThat(c.getPosition()).isEqualTo(one.getPosition());
            assertThat(c.getBest()).isEqualTo(one.getBest());
            assertThat(c.getTrainer().getEvaluationsWithoutImprovement()).isEqualTo(one.getTrainer().getEvaluationsWithoutImprovement());
        }
        // what --log-every changes: the points shown and recorded
        assertThat(runs).extracting(Checkpoint::getHistoryCount).doesNotHaveDuplicates();
    }

    @Test
    void patienceCountsEvaluationsOnTheirOwnCadence() {
        // min_delta 1 cannot be met: the first evaluation (step 4) is the best, the 3rd one after it (step 16) stops
        Checkpoint c = trained(article, "patience", "--set", "training.epochs=40", "--set", "training.log_every=1",
                "--set", "training.eval_every.steps=4", "--set", "training.early_stopping.patience=3",
                "--set", "training.early_stopping.min_delta=1");
        assertThat(c.getTrainer().getStoppedEarly()).isTrue();
        assertThat(c.getPosition().getStep()).isEqualTo(16);
        assertThat(c.getBest().getStep()).isEqualTo(4);
        assertThat(c.getHistoryList()).extracting(MetricRecord::getStep).hasSize(16);
        assertThat(c.getHistoryList()).filteredOn(m -> !Double.isNaN(m.getDevAccuracy())).extracting(MetricRecord::getStep)
                .containsExactly(4L, 8L, 12L, 16L);
    }

    @Test
    void evaluationsEveryEpochFallAtEpochEnds() {
        // 400 rows in batches of 50: 8 steps an epoch; the dev set at the end of every 2nd epoch
        Checkpoint c = trained(article, "epochs", "--set", "training.epochs=5", "--set", "training.batch_size=50",
                "--set", "training.log_every=3", "--set", "training.eval_every.epochs=2");
        assertThat(c.getHistoryList()).filteredOn(m -> !Double.isNaN(m.getDevAccuracy())).extracting(MetricRecord::getStep)
                .containsExactly(16L, 32L, 40L);   // epochs 2 and 4, and the last step
        assertThat(c.getHistoryList()).extracting(MetricRecord::getEpoch).startsWith(1L, 1L, 2L);   // steps 3, 6, 9
    }

    // ---- best.ckpt

    @Test
    void afterATwoStepRunBestCkptExistsAndItsStepMatchesItsWeights() {
        // the article evaluates every 10 steps: none on the cadence, so the evaluation of the last step stands in
        Checkpoint last = trained(article, "two", "--set", "training.epochs=2");
        Path best = tmp.resolve("two/best.ckpt");
        assertThat(best).exists();
        Checkpoint b = CheckpointFile.read(best);
        assertThat(b.getPosition().getStep()).isEqualTo(2);
        assertThat(b.getBest().getStep()).isEqualTo(2);
        assertThat(sha(b)).isEqualTo(sha(last));
        MetricRecord end = last.getHistory(last.getHistoryCount() - 1);
        assertThat(end.getStep()).isEqualTo(2);
        assertThat(b.getBest().getValue()).isEqualTo(end.getDevAccuracy());
    }

    @Test
    void bestCkptHoldsTheWeightsOfTheStepItNames() {
        // evaluations at 10 and 20; the end, 25, is evaluated for the record but is not a candidate
        Checkpoint last = trained(article, "twenty-five", "--set", "training.epochs=25");
        Checkpoint best = CheckpointFile.read(tmp.resolve("twenty-five/best.ckpt"));
        long step = best.getBest().getStep();
        assertThat(step).isIn(10L, 20L);
        assertThat(best.getPosition().getStep()).isEqualTo(step);
        assertThat(best.getBest()).isEqualTo(last.getBest());
        // the straight run of that many steps ends with exactly those weights, at that dev accuracy
        Checkpoint straight = trained(article, "straight-" + step, "--set", "training.epochs=" + step);
        assertThat(sha(best)).isEqualTo(sha(straight));
        assertThat(straight.getHistory(straight.getHistoryCount() - 1).getDevAccuracy()).isEqualTo(best.getBest().getValue());
    }

    @Test
    void theCheckpointsHistoryAndMetricsCsvAgree() {
        Checkpoint last = trained(article, "agree", "--set", "training.epochs=25", "--set", "training.log_every=4");
        List<Metrics> rows = MetricsCsv.read(tmp.resolve("agree/metrics.csv"));
        assertThat(rows).extracting(Metrics::step).containsExactly(4L, 8L, 10L, 12L, 16L, 20L, 24L, 25L);
        assertThat(rows).hasSize(last.getHistoryCount());
        for (int i = 0; i < rows.size(); i++) {
            MetricRecord h = last.getHistory(i);
            Metrics m = rows.get(i);
            assertThat(m.step()).isEqualTo(h.getStep());
            assertThat(m.epoch()).isEqualTo(h.getEpoch());
            assertThat(m.loss()).isEqualTo(h.getLoss());
            // boxed: NaN (an empty cell) equals NaN
            assertThat(Double.valueOf(m.devAccuracy())).isEqualTo(Double.valueOf(h.getDevAccuracy()));
            assertThat(Double.valueOf(m.devLoss())).isEqualTo(Double.valueOf(h.getDevLoss()));
            assertThat(m.learningRate()).isEqualTo(h.getLearningRate());
        }
    }

    @Test
    void withoutADevSetNothingIsPrintedAsNaN() throws Exception {
        Path out = tmp.resolve("no-dev");
        Cli.Result r = Cli.run("train", "--config", article.toString(), "--out", out.toString(), "--set", "training.epochs=12",
                "--set", "data.dev_rows=0", "--log-every", "5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("NaN").doesNotContain("dev_").doesNotContain("dev accuracy");
        assertThat(out.resolve("best.ckpt")).doesNotExist();
        // metrics.csv keeps its columns, with empty dev cells
        assertThat(Files.readAllLines(out.resolve("metrics.csv")).subList(1, 4)).allMatch(l -> l.matches("\\d+,\\d+,[^,]+,[^,]+,,,.*"));
        Cli.Result inspect = Cli.run("inspect", out.resolve("last.ckpt").toString());
        assertThat(inspect.out()).contains("metrics         3 points; loss ").doesNotContain("NaN").doesNotContain("dev accuracy");
        Cli.Result json = Cli.run("inspect", "--json", out.resolve("last.ckpt").toString());
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.out()).doesNotContain("NaN").doesNotContain("dev_accuracy");
    }

    @Test
    void inspectShowsTheDevAccuracyOfTheFirstAndLastEvaluations() {
        Path out = tmp.resolve("inspected");
        assertThat(train(article, out, "--set", "training.epochs=20", "--log-every", "5").code()).isZero();
        Checkpoint c = CheckpointFile.read(out.resolve("last.ckpt"));
        Cli.Result inspect = Cli.run("inspect", out.resolve("last.ckpt").toString());
        assertThat(inspect.out()).doesNotContain("NaN").contains(String.format(java.util.Locale.ROOT,
                "metrics         4 points; loss %.4f → %.4f; dev accuracy %.4f → %.4f", c.getHistory(0).getLoss(),
                c.getHistory(3).getLoss(), c.getHistory(1).getDevAccuracy(), c.getHistory(3).getDevAccuracy()));
    }

    // ---- resume

    @ParameterizedTest(name = "first run of {0} steps")
    @ValueSource(ints = {22, 24})
    void aFinishedRunResumedWithMoreEpochsHasTheStraightRunsHistory(int first) {
        // points every 4 steps, evaluations every 10: the end at 22 is a point of its own, the end at 24 a log point
        // whose evaluation is the end's; resumed, both are taken back
        String[] sets = {"--set", "training.log_every=4", "--set", "training.early_stopping.patience=50"};
        Checkpoint straight = trained(article, "straight-40-" + first, concat(sets, "--set", "training.epochs=40"));
        trained(article, "split-" + first, concat(sets, "--set", "training.epochs=" + first));
        Path ckpt = tmp.resolve("split-" + first + "/last.ckpt");
        Checkpoint half = CheckpointFile.read(ckpt);
        assertThat(half.getHistory(half.getHistoryCount() - 1).getStep()).isEqualTo(first);
        Cli.Result r = Cli.run("train", "--quiet", "--resume", ckpt.toString(), "--set", "training.epochs=40");
        assertThat(r.code()).as(r.err()).isZero();
        Checkpoint split = CheckpointFile.read(ckpt);
        assertThat(sha(split)).isEqualTo(sha(straight));
        assertThat(ResumeTest.withoutTimes(split.getHistoryList())).isEqualTo(ResumeTest.withoutTimes(straight.getHistoryList()));
        assertThat(split.getBest()).isEqualTo(straight.getBest());
        assertThat(withoutTime(split.getTrainer())).isEqualTo(withoutTime(straight.getTrainer()));
        assertThat(MetricsCsv.read(tmp.resolve("split-" + first + "/metrics.csv"))).extracting(Metrics::step)
                .isEqualTo(straight.getHistoryList().stream().map(MetricRecord::getStep).collect(Collectors.toList()));
    }

    @Test
    void aRunResumedIntoAnotherDirectoryTakesItsBestCkptAlong() {
        // min_delta 1: the first evaluation (step 1) stays the best, and nothing after the resume beats it
        String[] sets = {"--set", "training.eval_every.steps=1", "--set", "training.early_stopping.patience=100",
            "--set", "training.early_stopping.min_delta=1"};
        trained(article, "carried-from", concat(sets, "--set", "training.epochs=3"));
        Path other = tmp.resolve("carried-to");
        Cli.Result r = Cli.run("train", "--quiet", "--resume", tmp.resolve("carried-from/last.ckpt").toString(),
                "--out", other.toString(), "--set", "training.epochs=5");
        assertThat(r.code()).as(r.err()).isZero();
        Checkpoint best = CheckpointFile.read(other.resolve("best.ckpt"));
        assertThat(best.getBest().getStep()).isEqualTo(1);
        assertThat(best.getPosition().getStep()).isEqualTo(1);
        assertThat(best.getParamsList()).isEqualTo(CheckpointFile.read(tmp.resolve("carried-from/best.ckpt")).getParamsList());
        assertThat(CheckpointFile.read(other.resolve("last.ckpt")).getBest()).isEqualTo(best.getBest());
    }

    @Test
    void metricsCsvIsReplacedWholeOnResumeNotRewrittenInPlace() throws Exception {
        Path run = tmp.resolve("replaced");
        assertThat(train(article, run, "--set", "training.epochs=3", "--set", "training.log_every=1").code()).isZero();
        Path metrics = run.resolve("metrics.csv");
        byte[] before = Files.readAllBytes(metrics);
        // a second name for the same file: an in-place rewrite would change it too
        Path link = Files.createLink(tmp.resolve("replaced-metrics-link.csv"), metrics);
        Cli.Result r = Cli.run("train", "--quiet", "--resume", run.resolve("last.ckpt").toString(), "--set", "training.epochs=5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(link).hasBinaryContent(before);
        assertThat(MetricsCsv.read(metrics)).extracting(Metrics::step).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    // ---- schedules

    @Test
    void aScheduleThatCollapsesTheRateGetsOneWarningLine() {
        Cli.Result r = train(article, tmp.resolve("collapse"), "--set", "training.epochs=60",
                "--set", "optimizer.schedule.type=step", "--set", "optimizer.schedule.options.step_size=5");
        assertThat(r.code()).as(r.err()).isZero();
        // 0.1 · 0.1^⌊t/5⌋ < 1e-7 from t = 35, step 36
        assertThat(r.err().lines().toList()).containsExactly("warning: the learning rate falls below 1e-6 of its start"
                + " from step 36 of 60 (1.00e-08, and 1.00e-12 at the last step): optimizer.schedule 'step' counts steps;"
                + " if its options were meant in epochs, set optimizer.schedule.unit: EPOCHS");
    }

    @Test
    void aScheduleInEpochsChangesTheRateAtEpochEndsAndDoesNotWarn() {
        // 8 steps an epoch; step_size 2 epochs: 0.1 for steps 1-16, 0.01 for 17-32, 0.001 for 33-40
        Path out = tmp.resolve("in-epochs");
        Cli.Result r = train(article, out, "--set", "training.epochs=5", "--set", "training.batch_size=50",
                "--set", "training.log_every=1", "--set", "optimizer.schedule.type=step",
                "--set", "optimizer.schedule.options.step_size=2", "--set", "optimizer.schedule.unit=EPOCHS");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        List<Metrics> rows = MetricsCsv.read(out.resolve("metrics.csv"));
        assertThat(rows).hasSize(40);
        for (Metrics m : rows) {
            double expected = m.step() <= 16 ? 0.1 : m.step() <= 32 ? 0.01 : 0.001;
            assertThat(m.learningRate()).as("step %d", m.step()).isCloseTo(expected, within(1e-12));
        }
    }

    @Test
    void cosineAnnealingToZeroIsNotACollapse() {
        Cli.Result r = train(article, tmp.resolve("cosine"), "--set", "training.epochs=30",
                "--set", "optimizer.schedule.type=cosine", "--set", "optimizer.schedule.options.total_steps=30");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
    }

    private static TrainerState withoutTime(TrainerState s) {
        return s.toBuilder().clearElapsedSeconds().build();
    }

    private static String[] concat(String[] a, String... b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
