package dev.sinapse.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.SinapseException;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.proto.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps on real Spark in local mode, on the 400-digit slice: the 6-trial grid against hand-run train commands,
 * a task killed mid-trial and retried, a sweep killed midway and rerun, successive halving against straight training,
 * and local[1] against local[2]. The tests share one context (local[2,2]: two cores, two attempts per task) and the
 * grid's run, so the order matters; local[1] comes last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SweepSparkTest {
    static final String TWO = "local[2,2]";
    @TempDir
    static Path tmp;
    private static Path grid;

    /** The 6-trial grid, swept once on local[2,2]; its folder holds the sweep file, its output is grid/out. */
    static synchronized Path grid() {
        if (grid == null) {
            Path sweep = Fixtures.sweepFolder(tmp.resolve("grid"), Fixtures.GRID);
            Fixtures.sweep(sweep, tmp.resolve("grid/out"), TWO);
            grid = tmp.resolve("grid");
        }
        return grid;
    }

    @Test
    @Order(1)
    void sixTrialsOnTwoCoresEqualTheSameSixTrainCommandsByHand() throws IOException {
        Path g = grid();
        List<Map<String, String>> rows = Fixtures.csv(g.resolve("out/trials.csv"));
        assertThat(rows).hasSize(6).allSatisfy(r -> assertThat(r.get("status")).isEqualTo("done"));
        // best first, by dev accuracy
        for (int i = 1; i < rows.size(); i++) {
            assertThat(Double.parseDouble(rows.get(i - 1).get("dev_accuracy")))
                    .isGreaterThanOrEqualTo(Double.parseDouble(rows.get(i).get("dev_accuracy")));
        }
        String[] rates = {"0.05", "0.1", "0.2"}, widths = {"8", "16"};
        Map<String, Map<String, String>> byId = Fixtures.byId(g.resolve("out/trials.csv"));
        int id = 0;
        for (String rate : rates) {
            for (String width : widths) {
                Map<String, String> row = byId.get(SweepPlan.id(id++));
                assertThat(row.get("optimizer.learning_rate")).isEqualTo(rate);
                assertThat(row.get("network.layers[hidden].options.units")).isEqualTo(width);
                Path hand = tmp.resolve("hand-" + rate + "-" + width);
                Fixtures.Run r = Fixtures.sinapse("train", "--config", g.resolve("tiny.textproto").toString(),
                        "--set", "optimizer.learning_rate=" + rate, "--set", "network.layers[hidden].options.units=" + width,
                        "--out", hand.toString(), "--quiet");
                assertThat(r.code()).as(r.err()).isZero();
                Map<String, String> last = Fixtures.lastMetrics(hand);
                assertThat(row.get("dev_accuracy")).isEqualTo(last.get("dev_accuracy"));
                assertThat(row.get("dev_loss")).isEqualTo(last.get("dev_loss"));
                assertThat(row.get("steps")).isEqualTo(last.get("step")).isEqualTo("20");
                // the trial's run directory is train's: the same final weights
                assertThat(params(g.resolve("out/trials/" + row.get("id") + "/last.ckpt")))
                        .isEqualTo(params(hand.resolve("last.ckpt")));
            }
        }
        byte[] png = Files.readAllBytes(g.resolve("out/sweep.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    @Order(2)
    void aTaskKilledMidTrialIsRetriedAndResumesFromLastCheckpointToTheSameResult() {
        Path sweep = Fixtures.sweepFolder(tmp.resolve("fault"), Fixtures.GRID);
        // trial 0001 dies after step 15, once; its last.ckpt is from step 10 (the end of epoch 1)
        System.setProperty(TrialTask.FAULT_PROPERTY, "0001:15");
        try {
            Fixtures.sweep(sweep, tmp.resolve("fault/out"), TWO);
        } finally {
            System.clearProperty(TrialTask.FAULT_PROPERTY);
        }
        assertThat(tmp.resolve("fault/out/trials/0001/" + TrialTask.FAULT_MARKER)).exists();
        Map<String, Map<String, String>> faulted = Fixtures.byId(tmp.resolve("fault/out/trials.csv"));
        Map<String, Map<String, String>> straight = Fixtures.byId(grid().resolve("out/trials.csv"));
        assertThat(faulted.get("0001").get("resumed_from")).isEqualTo("10");
        assertThat(faulted.get("0000").get("resumed_from")).isEqualTo("-1");
        for (String id : straight.keySet()) {
            assertThat(faulted.get(id).get("dev_accuracy")).isEqualTo(straight.get(id).get("dev_accuracy"));
            assertThat(faulted.get(id).get("dev_loss")).isEqualTo(straight.get(id).get("dev_loss"));
        }
        assertThat(params(tmp.resolve("fault/out/trials/0001/last.ckpt")))
                .isEqualTo(params(grid().resolve("out/trials/0001/last.ckpt")));
    }

    @Test
    @Order(3)
    void aSweepKilledMidwayIsFinishedByARerunThatRetrainsNoFinishedTrial() throws IOException {
        Path folder = tmp.resolve("killed");
        // the first run had time for the 0.05 trials only ...
        Path sweep = Fixtures.sweepFolder(folder, Fixtures.GRID.replace("[\"0.05\", \"0.1\", \"0.2\"]", "[\"0.05\"]"));
        Path out = folder.resolve("out");
        Fixtures.sweep(sweep, out, TWO);
        // ... and was killed in the middle of the next trial, which left last.ckpt at step 10 and no result
        SweepPlan full = SweepPlan.of(SweepPlan.read(Files.writeString(sweep, Fixtures.GRID)), sweep);
        SweepPlan.Trial third = full.trials().get(2);
        TrialTask dying = new TrialTask("0002", full.base(), full.baseDir(), full.baseSource(), third.sets(), 2,
                out.resolve("trials/0002"), "", full.objective());
        System.setProperty(TrialTask.FAULT_PROPERTY, "0002:13");
        try {
            assertThatThrownBy(dying::call).isInstanceOf(TrialTask.InjectedFault.class);
        } finally {
            System.clearProperty(TrialTask.FAULT_PROPERTY);
        }
        assertThat(out.resolve("trials/0002/last.ckpt")).exists();
        FileTime[] before = {Files.getLastModifiedTime(out.resolve("trials/0000/last.ckpt")),
                Files.getLastModifiedTime(out.resolve("trials/0001/last.ckpt"))};

        String printed = Fixtures.sweep(sweep, out, TWO);

        assertThat(printed).contains("trial 0000 optimizer.learning_rate=0.05 network.layers[hidden].options.units=8: dev_accuracy")
                .containsPattern("trial 0000 .*done before, skipped").containsPattern("trial 0001 .*done before, skipped");
        assertThat(Files.getLastModifiedTime(out.resolve("trials/0000/last.ckpt"))).isEqualTo(before[0]);
        assertThat(Files.getLastModifiedTime(out.resolve("trials/0001/last.ckpt"))).isEqualTo(before[1]);
        Map<String, Map<String, String>> rerun = Fixtures.byId(out.resolve("trials.csv"));
        Map<String, Map<String, String>> straight = Fixtures.byId(grid().resolve("out/trials.csv"));
        assertThat(rerun).hasSize(6);
        assertThat(rerun.get("0002").get("resumed_from")).isEqualTo("10");
        for (String id : straight.keySet()) {
            assertThat(rerun.get(id).get("optimizer.learning_rate")).isEqualTo(straight.get(id).get("optimizer.learning_rate"));
            assertThat(rerun.get(id).get("dev_loss")).isEqualTo(straight.get(id).get("dev_loss"));
        }
    }

    @Test
    @Order(4)
    void aRerunWithAChangedConfigIsRefusedUnlessItOnlyAddsTrials() throws IOException {
        Path g = grid();
        Path sweep = g.resolve("sweep.textproto");
        Path out = g.resolve("out");
        String before = Files.readString(out.resolve("trials.tsv"));
        Path changedBase = Files.writeString(tmp.resolve("changed.textproto"), Fixtures.GRID
                .replace("tiny.textproto", g.resolve("tiny.textproto").toString()) + "set: \"training.weight_decay=0.001\"\n");
        assertThatThrownBy(() -> SweepRunner.merge(SweepPlan.of(SweepPlan.read(changedBase), changedBase), out))
                .isInstanceOf(SinapseException.class).hasMessageContaining("holds a sweep with another config (set changed)");
        Path fewer = Files.writeString(tmp.resolve("fewer.textproto"), Fixtures.GRID
                .replace("tiny.textproto", g.resolve("tiny.textproto").toString()).replace("\"0.2\"", "\"0.3\""));
        assertThatThrownBy(() -> SweepRunner.merge(SweepPlan.of(SweepPlan.read(fewer), fewer), out))
                .isInstanceOf(SinapseException.class).hasMessageContaining("trial 0004").hasMessageContaining("may only add trials");
        assertThat(Files.readString(out.resolve("trials.tsv"))).isEqualTo(before);
        // one more rate: the six keep their ids, the new two come after them
        Path more = Files.writeString(tmp.resolve("more.textproto"), Fixtures.GRID
                .replace("tiny.textproto", g.resolve("tiny.textproto").toString()).replace("\"0.05\", ", "\"0.01\", \"0.05\", "));
        List<SweepPlan.Trial> merged = SweepRunner.merge(SweepPlan.of(SweepPlan.read(more), more), out);
        assertThat(merged).hasSize(8);
        assertThat(merged.get(6).values()).containsEntry("optimizer.learning_rate", "0.01");
        assertThat(merged.get(0).values()).containsEntry("optimizer.learning_rate", "0.05");
        assertThat(sweep).exists();
    }

    @Test
    @Order(5)
    void aTrialPromotedBySuccessiveHalvingEndsBitwiseAsTrainingStraightToItsEpochs() {
        Path sweep = Fixtures.sweepFolder(tmp.resolve("halving"), """
                base_config: "tiny.textproto"
                parameters { path: "optimizer.learning_rate" values: ["0.02", "0.05", "0.1", "0.2"] }
                halving { rungs: [1, 3] keep: 0.5 }
                """);
        String printed = Fixtures.sweep(sweep, tmp.resolve("halving/out"), TWO);
        assertThat(printed).contains("rung 1 of 2: 4 trials to 1 epochs", "rung 2 of 2: 2 trials to 3 epochs");
        List<Map<String, String>> rows = Fixtures.csv(tmp.resolve("halving/out/trials.csv"));
        assertThat(rows.subList(0, 2)).allSatisfy(r -> {
            assertThat(r.get("epochs")).isEqualTo("3");
            assertThat(r.get("resumed_from")).isEqualTo("10");
        });
        assertThat(rows.subList(2, 4)).allSatisfy(r -> assertThat(r.get("status")).isEqualTo("pruned after 1 epochs"));
        List<String> checked = new ArrayList<>();
        for (Map<String, String> promoted : rows.subList(0, 2)) {
            Path straight = tmp.resolve("straight-" + promoted.get("id"));
            Fixtures.Run r = Fixtures.sinapse("train", "--config", tmp.resolve("halving/tiny.textproto").toString(),
                    "--set", "training.threads=1", "--set", "optimizer.learning_rate=" + promoted.get("optimizer.learning_rate"),
                    "--set", "training.epochs=3", "--out", straight.toString(), "--quiet");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(params(tmp.resolve("halving/out/trials/" + promoted.get("id") + "/last.ckpt")))
                    .isEqualTo(params(straight.resolve("last.ckpt")));
            assertThat(promoted.get("dev_loss")).isEqualTo(Fixtures.lastMetrics(straight).get("dev_loss"));
            checked.add(promoted.get("id"));
        }
        assertThat(checked).hasSize(2);
    }

    @Test
    @Order(6)
    void oneCoreAndTwoCoresGiveTheSameMetrics() {
        Path sweep = Fixtures.sweepFolder(tmp.resolve("one"), Fixtures.GRID);
        Fixtures.sweep(sweep, tmp.resolve("one/out"), "local[1]");
        Map<String, Map<String, String>> one = Fixtures.byId(tmp.resolve("one/out/trials.csv"));
        Map<String, Map<String, String>> two = Fixtures.byId(grid().resolve("out/trials.csv"));
        assertThat(one.keySet()).isEqualTo(two.keySet()).hasSize(6);
        for (String id : two.keySet()) {
            for (String column : List.of("dev_accuracy", "dev_loss", "train_accuracy", "train_loss", "steps")) {
                assertThat(one.get(id).get(column)).as(id + " " + column).isEqualTo(two.get(id).get(column));
            }
        }
    }

    /** The model's parameters in a checkpoint (protobuf compares the floats bit for bit). */
    static List<?> params(Path ckpt) {
        Checkpoint c = CheckpointFile.read(ckpt);
        assertThat(c.getParamsCount()).isPositive();
        return c.getParamsList();
    }
}
