package dev.sinapse.io.checkpoint;

import com.google.protobuf.TextFormat;
import dev.sinapse.io.proto.BestMetric;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.io.proto.EndOfRun;
import dev.sinapse.io.proto.MetricRecord;
import dev.sinapse.io.proto.NamedState;
import dev.sinapse.io.proto.OptimizerState;
import dev.sinapse.io.proto.Provenance;
import dev.sinapse.io.proto.RngState;
import dev.sinapse.io.proto.Tensor;
import dev.sinapse.io.proto.TrainerState;
import dev.sinapse.io.proto.TrainingPosition;

/** Checkpoints for the tests, built by hand so their content is known independently of the reader. */
final class SampleCheckpoints {
    /** Uses only long-standing config fields, so the fixture survives additions to config.proto. */
    static final String CONFIG_TEXT = """
            name: "article"
            network {
              layers { type: "dense" name: "hidden" options { key: "units" value: "3" } }
              layers { type: "relu" }
              layers { type: "dense" name: "out" options { key: "units" value: "2" } }
              layers { type: "softmax" }
            }
            optimizer { type: "adam" learning_rate: 0.01 }
            training { epochs: 3 seed: 42 }
            """;

    private SampleCheckpoints() {
    }

    static Experiment config() {
        try {
            return TextFormat.parse(CONFIG_TEXT, Experiment.class);
        } catch (TextFormat.ParseException e) {
            throw new AssertionError(e);
        }
    }

    static Tensor tensor(String name, int rows, int cols, float... values) {
        Tensor.Builder t = Tensor.newBuilder().setName(name).setRows(rows).setCols(cols);
        for (float v : values) {
            t.addValues(v);
        }
        return t.build();
    }

    /** A checkpoint with every field of checkpoint.proto set to a non-default value. */
    static Checkpoint full() {
        Checkpoint.Builder c = goldenFormat2().toBuilder();
        c.getHistoryBuilder(0).setEndOfRun(EndOfRun.EVALUATION_AT_END);
        c.getHistoryBuilder(1).setEndOfRun(EndOfRun.POINT_AT_END);
        c.setProvenance(c.getProvenance().toBuilder()
                .setInitFrom("/runs/pretrained/best.ckpt")
                .setInitFromParamsSha256("95d700e4c1c1f0b2b7c1d3f6a8e5b4a2c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4"));
        // a table's preprocessing (data.format "table"), added after golden-v2 was written
        c.setDataTransform(dev.sinapse.io.proto.DataTransform.newBuilder()
                .addFeatureNames("radius").addFeatureNames("area")
                .addClassNames("benign").addClassNames("malignant")
                .addFill(0f).addFill(650.5f).addShift(14.1f).addShift(650.5f).addFactor(0.28f).addFactor(0.0028f));
        return c.build();
    }

    /**
     * What golden-v2.ckpt holds: every field format 2 had when it was written, before MetricRecord.end_of_run (whose
     * default, ON_CADENCE, means what every earlier point was) and before warm starts were recorded.
     */
    static Checkpoint goldenFormat2() {
        return format1().toBuilder()
                .setFormatVersion(CheckpointFormat.CURRENT_VERSION)
                .setKernel("fused")
                .setTrainer(TrainerState.newBuilder().setEvaluationsWithoutImprovement(1).setStoppedEarly(true)
                        .setElapsedSeconds(30.25).setPendingLossSum(12.5).setPendingCorrect(7).setPendingRows(9)
                        .addBestParams(tensor("hidden.W", 3, 2, 1, 2, 3, 4, 5, 6)))
                .build();
    }

    /**
     * What golden-v1.ckpt holds, less its schedule state (field 33, since retired: a format-2 reader keeps it as an
     * unknown field): every field format 1 had, set to a non-default value.
     */
    static Checkpoint format1() {
        return Checkpoint.newBuilder()
                .setFormatVersion(1)
                .setConfigText(CONFIG_TEXT)
                .setConfig(config())
                .addParams(tensor("hidden.W", 3, 2, 0.5f, -0.25f, 1e-7f, -0f, Float.MIN_VALUE, 3.4e38f))
                .addParams(tensor("hidden.b", 1, 3, 0.1f, 0.2f, 0.3f))
                .addParams(tensor("out.W", 2, 3, 1, 2, 3, 4, 5, 6))
                .addParams(tensor("out.b", 1, 2, -1, 1))
                .addLayerStates(NamedState.newBuilder().setOwner("bn1")
                        .addTensors(tensor("running_mean", 1, 3, 0.01f, 0.02f, 0.03f))
                        .putLongs("updates", 17)
                        .putDoubles("momentum", 0.9))
                .setOptimizer(OptimizerState.newBuilder().setType("adam").setState(NamedState.newBuilder()
                        .setOwner("adam")
                        .addTensors(tensor("m.0", 1, 2, 0.125f, -0.5f))
                        .putLongs("t", 123)
                        .putDoubles("beta1_power", 0.9 * 0.9)))
                .setPosition(TrainingPosition.newBuilder()
                        .setEpoch(2).setStep(123).setBatchInEpoch(5).setFinished(true))
                .addRngs(RngState.newBuilder().setName("init").setState(0x9E3779B97F4A7C15L))
                .addRngs(RngState.newBuilder().setName("shuffle").setState(-1L))
                .addRngs(RngState.newBuilder().setName("dropout").setState(42))
                .addEpochOrder(3).addEpochOrder(0).addEpochOrder(2).addEpochOrder(1)
                .addHistory(MetricRecord.newBuilder().setStep(10).setEpoch(1).setLoss(2.3)
                        .setTrainAccuracy(0.11).setDevLoss(2.31).setDevAccuracy(0.1)
                        .setLearningRate(0.01).setElapsedSeconds(1.5))
                .addHistory(MetricRecord.newBuilder().setStep(123).setEpoch(2).setLoss(0.4)
                        .setTrainAccuracy(0.88).setDevLoss(0.45).setDevAccuracy(0.86)
                        .setLearningRate(0.005).setElapsedSeconds(30.25))
                .setBest(BestMetric.newBuilder().setMetric("dev_accuracy").setValue(0.86).setStep(120))
                .setEarlyStopping(NamedState.newBuilder().setOwner("early_stopping")
                        .addTensors(tensor("best_W", 1, 1, 7))
                        .putLongs("bad_evaluations", 1).putDoubles("best", 0.86))
                .setProvenance(Provenance.newBuilder()
                        .setSinapseVersion("0.1.0-SNAPSHOT").setJavaVersion("17.0.15").setOs("Linux amd64")
                        .setCreatedAt("2026-11-27T06:40:12Z")
                        .setDataSha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                        .setTrainRows(7000).setDevRows(1000).setDataSource("train.csv"))
                .build();
    }

    /** A small valid checkpoint: small enough that random mutations often land in the header. */
    static Checkpoint small() {
        return Checkpoint.newBuilder()
                .setFormatVersion(CheckpointFormat.CURRENT_VERSION)
                .setConfigText("name: \"tiny\"")
                .addParams(tensor("W", 2, 2, 1, 2, 3, 4))
                .addLayerStates(NamedState.newBuilder().setOwner("bn").putLongs("n", 3)
                        .addTensors(tensor("mean", 1, 2, 0.5f, 0.25f)))
                .setPosition(TrainingPosition.newBuilder().setEpoch(1).setStep(7))
                .addRngs(RngState.newBuilder().setName("shuffle").setState(99))
                .build();
    }

    /**
     * The crash test's checkpoint at a step: ~8 MB of parameters (large enough that writing them takes a while) whose values follow from the step, so a
     * half-written file cannot pass for a whole one.
     */
    static Checkpoint atStep(long step) {
        int n = 2_000_000;
        Tensor.Builder W = Tensor.newBuilder().setName("W").setRows(n / 1000).setCols(1000);
        for (int i = 0; i < n; i++) {
            W.addValues(step + i * 1e-3f);
        }
        return Checkpoint.newBuilder()
                .setFormatVersion(CheckpointFormat.CURRENT_VERSION)
                .setConfigText("name: \"crash\"")
                .addParams(W)
                .setPosition(TrainingPosition.newBuilder().setStep(step))
                .build();
    }
}
