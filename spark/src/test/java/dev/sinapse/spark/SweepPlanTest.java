package dev.sinapse.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.SinapseException;
import dev.sinapse.spark.proto.Parameter;
import dev.sinapse.spark.proto.Range;
import dev.sinapse.spark.proto.Scale;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweep configs into trials, without Spark: grids, seeded draws, repeats, and one-line refusals of bad input. */
class SweepPlanTest {
    @TempDir
    Path tmp;

    private SweepPlan plan(String sweep) {
        return SweepPlan.of(SweepPlan.read(Fixtures.sweepFolder(tmp, sweep)), tmp.resolve("sweep.textproto"));
    }

    @Test
    void aGridIsEveryCombinationFirstParameterSlowestWithTheCommonOverridesFirst() {
        SweepPlan p = plan(Fixtures.GRID + "set: \"training.epochs=1\"\n");
        assertThat(p.trials()).hasSize(6);
        assertThat(p.trials().get(0).sets()).containsExactly("training.epochs=1", "training.threads=1",
                "optimizer.learning_rate=0.05", "network.layers[hidden].options.units=8");
        assertThat(p.trials().get(5).values()).isEqualTo(Map.of("optimizer.learning_rate", "0.2",
                "network.layers[hidden].options.units", "16"));
        assertThat(p.trials()).extracting(SweepPlan.Trial::id).containsExactly("0000", "0001", "0002", "0003", "0004", "0005");
        assertThat(p.experiment(p.trials().get(3), 0).getNetwork().getLayers(0).getOptionsMap()).containsEntry("units", "16");
        assertThat(p.epochs(p.trials().get(0), 0)).isEqualTo(1);
    }

    @Test
    void trialsAreSubmittedMostArithmeticFirstAndEqualOnesInTrialOrder() {
        // units 8 then 16 for each rate: forward FLOPs grow with the width, so the three 16-unit trials go first
        SweepPlan p = plan(Fixtures.GRID + "set: \"training.epochs=1\"\n");
        assertThat(SweepRunner.longestFirst(p, p.trials(), 0)).extracting(SweepPlan.Trial::id)
                .containsExactly("0001", "0003", "0005", "0000", "0002", "0004");
    }

    @Test
    void aJsonSweepPlansTheSameTrialsAsItsTextFormat() throws IOException {
        SweepPlan text = plan(Fixtures.GRID);
        Path json = Files.writeString(tmp.resolve("sweep.json"), """
                {"name": "tiny-grid", "base_config": "tiny.textproto",
                 "parameters": [{"path": "optimizer.learning_rate", "values": ["0.05", "0.1", "0.2"]},
                                {"path": "network.layers[hidden].options.units", "values": ["8", "16"]}]}
                """);
        SweepPlan fromJson = SweepPlan.of(SweepPlan.read(json), json);
        assertThat(fromJson.trials()).isEqualTo(text.trials());
        assertThat(fromJson.sweep()).isEqualTo(text.sweep());
        Files.writeString(json, "{\"paramters\": []}");
        assertThatThrownBy(() -> SweepPlan.read(json)).isInstanceOf(SinapseException.class)
                .hasMessageStartingWith(json + ": invalid sweep config: ");
    }

    @Test
    void gridPointsOfRangesAreEvenlySpacedOnTheirScale() {
        assertThat(SweepPlan.gridPoints(Range.newBuilder().setScale(Scale.LOG_UNIFORM).setMin(0.001).setMax(0.1).setPoints(3).build()))
                .containsExactly("0.001", "0.01", "0.1");
        assertThat(SweepPlan.gridPoints(Range.newBuilder().setScale(Scale.UNIFORM).setMin(0).setMax(1).setPoints(5).build()))
                .containsExactly("0", "0.25", "0.5", "0.75", "1");
        assertThat(SweepPlan.gridPoints(Range.newBuilder().setScale(Scale.INT).setMin(3).setMax(6).build()))
                .containsExactly("3", "4", "5", "6");
    }

    @Test
    void randomDrawsAreSeededStayInTheirRangesAndMoreTrialsOnlyAddTrials() {
        String sweep = """
                base_config: "tiny.textproto"
                search: RANDOM
                seed: 7
                parameters { path: "optimizer.learning_rate" range { scale: LOG_UNIFORM min: 0.001 max: 1 } }
                parameters { path: "network.layers[hidden].options.units" range { scale: INT min: 4 max: 9 } }
                parameters { path: "optimizer.type" values: ["sgd", "adam"] }
                """;
        SweepPlan few = plan(sweep + "trials: 20\n");
        SweepPlan more = plan(sweep + "trials: 60\n");
        assertThat(few.trials()).hasSize(20);
        assertThat(more.trials().subList(0, 20)).isEqualTo(few.trials());
        assertThat(plan(sweep + "trials: 20\n").trials()).isEqualTo(few.trials());
        assertThat(plan(sweep.replace("seed: 7", "seed: 8") + "trials: 20\n").trials()).isNotEqualTo(few.trials());
        java.util.Set<String> units = new java.util.TreeSet<>(), types = new java.util.TreeSet<>();
        double lo = 1, hi = 0;
        for (SweepPlan.Trial t : more.trials()) {
            double lr = Double.parseDouble(t.values().get("optimizer.learning_rate"));
            lo = Math.min(lo, lr);
            hi = Math.max(hi, lr);
            units.add(t.values().get("network.layers[hidden].options.units"));
            types.add(t.values().get("optimizer.type"));
        }
        // 60 log-uniform draws on [1e-3, 1]: each decade gets about 20, so both ends are reached within a decade
        assertThat(lo).isBetween(0.001, 0.01);
        assertThat(hi).isBetween(0.1, 1.0);
        assertThat(units).containsExactly("4", "5", "6", "7", "8", "9");
        assertThat(types).containsExactly("adam", "sgd");
    }

    @Test
    void repeatsTrainEachConfigurationWithConsecutiveSeeds() {
        SweepPlan p = plan("""
                base_config: "tiny.textproto"
                set: "training.seed=40"
                parameters { path: "optimizer.learning_rate" values: ["0.1", "0.2"] }
                repeats: 3
                """);
        assertThat(p.trials()).hasSize(6);
        assertThat(p.trials()).extracting(t -> t.values().get("training.seed")).containsExactly("40", "41", "42", "40", "41", "42");
        assertThat(p.parameterPaths()).containsExactly("optimizer.learning_rate", "training.seed");
        assertThat(p.experiment(p.trials().get(2), 0).getTraining().getSeed()).isEqualTo(42);
    }

    @Test
    void theObjectiveDefaultsToMaximizingDevAccuracyAndALossIsMinimized() {
        assertThat(plan(Fixtures.GRID).objective()).isEqualTo(new SweepPlan.Objective("dev_accuracy", true));
        SweepPlan.Objective loss = plan(Fixtures.GRID + "objective { metric: \"dev_loss\" }").objective();
        assertThat(loss.maximize()).isFalse();
        assertThat(loss.compare(0.1, 0.2)).isNegative();
        assertThat(loss.compare(Double.NaN, 0.2)).isPositive();
    }

    @Test
    void badInputIsRefusedWithOneLineNamingTheFileAndField() throws IOException {
        String where = tmp.resolve("sweep.textproto").toString();
        assertRefused(Fixtures.GRID + "objective { metric: \"accuracy\" }",
                where + ": objective.metric 'accuracy': expected one of dev_accuracy, dev_loss, train_accuracy, train_loss");
        assertRefused(Fixtures.GRID.replace("optimizer.learning_rate", "optimizer.learning_rat"),
                where + ": trial 0000 (optimizer.learning_rat=0.05 network.layers[hidden].options.units=8): ");
        assertRefused("base_config: \"tiny.textproto\"\nparameters { path: \"optimizer.learning_rate\" range { min: 2 max: 1 } }",
                where + ": parameters[0].range: expected finite min <= max, got min 2.0, max 1.0");
        assertRefused("base_config: \"tiny.textproto\"\nhalving { rungs: [2, 1] keep: 0.5 }",
                where + ": halving.rungs must be positive epochs in increasing order, got [2, 1]");
        assertRefused("base_config: \"tiny.textproto\"\nhalving { rungs: [1, 2] keep: 1.5 }",
                where + ": halving.keep must be a fraction between 0 and 1 (e.g. 0.5), got 1.5");
        assertRefused("base_config: \"tiny.textproto\"\nsearch: RANDOM", where + ": a RANDOM search needs trials: 1 or more, got 0");
        assertRefused("base_config: \"tiny.textproto\"\nparameter { path: \"x\" }", where + ":2:1: ");
        assertRefused("base_config: \"missing.textproto\"", tmp.resolve("missing.textproto") + ": file not found");
        assertRefused(Fixtures.GRID + "set: \"data.dev_rows=0\"",
                where + ": objective.metric dev_accuracy needs a dev set, but data.dev_rows is 0");
    }

    private void assertRefused(String sweep, String message) throws IOException {
        Fixtures.sweepFolder(tmp, sweep);
        assertThatThrownBy(() -> SweepPlan.of(SweepPlan.read(tmp.resolve("sweep.textproto")), tmp.resolve("sweep.textproto")))
                .isInstanceOf(SinapseException.class).hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void theCommandLineAnswersBadInputWithExitCodeTwoAndOneLine() throws IOException {
        Fixtures.sweepFolder(tmp, Fixtures.GRID + "objective { mode: SIDEWAYS }");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = SweepMain.run(new String[] {"sweep", "--config", tmp.resolve("sweep.textproto").toString(),
                "--out", tmp.resolve("out").toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).isEqualTo(SweepMain.USER_ERROR);
        assertThat(err.toString()).startsWith("error: " + tmp.resolve("sweep.textproto") + ":").hasLineCount(1);
        assertThat(tmp.resolve("out")).doesNotExist();

        Files.writeString(tmp.resolve("sweep.textproto"), Fixtures.GRID);
        err.getBuffer().setLength(0);
        code = SweepMain.run(new String[] {"sweep", "--config", tmp.resolve("sweep.textproto").toString(),
                "--out", tmp.resolve("out").toString(), "--max-failures", "0"}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).isEqualTo(SweepMain.USER_ERROR);
        assertThat(err.toString()).isEqualTo("error: --max-failures 0: expected 1 or more" + System.lineSeparator());
    }

    @Test
    void localMastersGetTheRetryCountClusterMastersKeepTheirs() {
        assertThat(SweepMain.conf("local[2]", 4, 1, "t").get("spark.master")).isEqualTo("local[2,4]");
        assertThat(SweepMain.conf("local[*]", 3, 1, "t").get("spark.master")).isEqualTo("local[*,3]");
        assertThat(SweepMain.conf("local[2,1]", 4, 1, "t").get("spark.master")).isEqualTo("local[2,1]");
        assertThat(SweepMain.conf("spark://h:7077", 4, 2, "t").getAll()).contains(
                new scala.Tuple2<>("spark.master", "spark://h:7077"), new scala.Tuple2<>("spark.task.maxFailures", "4"),
                new scala.Tuple2<>("spark.task.cpus", "2"));
        assertThat(List.of(SweepMain.conf("yarn", 4, 1, "t").getAll())).noneMatch(t -> t._1().equals("spark.ui.enabled"));
    }
}
