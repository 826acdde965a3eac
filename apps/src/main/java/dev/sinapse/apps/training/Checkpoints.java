package dev.sinapse.apps.training;

import dev.sinapse.api.Layer;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Param;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.State;
import dev.sinapse.apps.inference.Models;
import dev.sinapse.io.checkpoint.CheckpointFormat;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.config.Tables;
import dev.sinapse.io.proto.BestMetric;
import dev.sinapse.io.proto.Cadence;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.EndOfRun;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.io.proto.MetricRecord;
import dev.sinapse.io.proto.NamedState;
import dev.sinapse.io.proto.OptimizerState;
import dev.sinapse.io.proto.Provenance;
import dev.sinapse.io.proto.RngState;
import dev.sinapse.io.proto.ScheduleUnit;
import dev.sinapse.io.proto.Tensor;
import dev.sinapse.io.proto.TrainerState;
import dev.sinapse.io.proto.TrainingConfig;
import dev.sinapse.io.proto.TrainingPosition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Between a {@link Trainer} and a {@link Checkpoint} message: the model and optimizer slots through their public
 * accessors, the rest as the {@link TrainingState} value. Writes format 2; reads formats 1 and 2.
 */
public final class Checkpoints {
    /** Format 1: the prefix of the key naming the batch kernel ("kernel:fused-vector" = 1). */
    private static final String KERNEL = "kernel:";
    private static final String SHUFFLE = "shuffle";
    private static final String DROPOUT = "dropout";

    private Checkpoints() {
    }

    /** The whole run as a checkpoint message. */
    public static Checkpoint snapshot(Trainer t, Provenance provenance) {
        TrainingState s = t.state();
        String optimizer = t.experiment().getOptimizer().getType();
        Checkpoint.Builder c = Checkpoint.newBuilder()
                .setFormatVersion(CheckpointFormat.CURRENT_VERSION)
                .setConfigText(ConfigFiles.toText(t.experiment()))
                .setConfig(t.experiment())
                .addAllParams(params(t.network().params()))
                .setOptimizer(OptimizerState.newBuilder().setType(optimizer)
                        .setState(Tensors.toProto(optimizer, t.optimizer().state())))
                .setPosition(TrainingPosition.newBuilder()
                        .setEpoch(s.epoch()).setStep(s.step()).setBatchInEpoch(s.batchInEpoch()).setFinished(s.finished()))
                .addRngs(RngState.newBuilder().setName(SHUFFLE).setState(s.shuffleRng()))
                .addRngs(RngState.newBuilder().setName(DROPOUT).setState(s.dropoutRng()))
                .setKernel(s.kernel())
                .setProvenance(provenance);
        Tables.describe(t.trainingSet()).ifPresent(c::setDataTransform);
        for (Layer l : t.network().layers()) {
            State ls = l.state();
            if (!ls.isEmpty()) {
                c.addLayerStates(Tensors.toProto(l.name(), ls));
            }
        }
        if (s.epochOrder() != null) {
            for (int i : s.epochOrder()) {
                c.addEpochOrder(i);
            }
        }
        for (Metrics m : s.history()) {
            c.addHistory(MetricRecord.newBuilder().setStep(m.step()).setEpoch(m.epoch()).setLoss(m.loss())
                    .setTrainAccuracy(m.trainAccuracy()).setDevLoss(m.devLoss()).setDevAccuracy(m.devAccuracy())
                    .setLearningRate(m.learningRate()).setElapsedSeconds(m.elapsedSeconds())
                    .setEndOfRun(switch (m.atEnd()) {
                        case NO -> EndOfRun.ON_CADENCE;
                        case EVALUATION -> EndOfRun.EVALUATION_AT_END;
                        case POINT -> EndOfRun.POINT_AT_END;
                    }));
        }
        if (s.best() != null) {
            c.setBest(BestMetric.newBuilder().setMetric("dev_accuracy").setValue(s.best().devAccuracy()).setStep(s.best().step()));
        }
        TrainerState.Builder ts = TrainerState.newBuilder()
                .setEvaluationsWithoutImprovement(s.evaluationsWithoutImprovement())
                .setStoppedEarly(s.stoppedEarly())
                .setElapsedSeconds(s.elapsedSeconds())
                .setPendingLossSum(s.pending().lossSum())
                .setPendingCorrect(s.pending().correct())
                .setPendingRows(s.pending().rows());
        if (s.bestParams() != null) {
            List<Param> ps = t.network().params();
            for (int i = 0; i < ps.size(); i++) {
                ts.addBestParams(Tensors.toProto(ps.get(i).name(), s.bestParams().get(i)));
            }
        }
        return c.setTrainer(ts).build();
    }

    /**
     * The run as best.ckpt when its best is {@code m}, an evaluation made because the run ended before any on the
     * eval_every cadence: the weights are those evaluated, and the file's best says so (the trainer's own best,
     * which early stopping follows, stays unset).
     */
    public static Checkpoint snapshotEvaluatedAtEnd(Trainer t, Provenance provenance, Metrics m) {
        return snapshot(t, provenance).toBuilder()
                .setBest(BestMetric.newBuilder().setMetric("dev_accuracy").setValue(m.devAccuracy()).setStep(m.step()))
                .build();
    }

    /**
     * The experiment a checkpoint resumes, its fields added since it was written filled as they behaved then: a
     * run from before training.eval_every evaluated at every log point, and counted its schedule in steps.
     */
    public static Experiment experiment(Checkpoint c) {
        Experiment e = c.getConfig();
        Experiment.Builder b = e.toBuilder();
        TrainingConfig t = e.getTraining();
        if (t.getEvalEvery().getEveryCase() == Cadence.EveryCase.EVERY_NOT_SET && t.hasLogEvery()) {
            b.getTrainingBuilder().setEvalEvery(Cadence.newBuilder().setSteps(t.getLogEvery()));
        }
        if (e.getOptimizer().getSchedule().getUnit() == ScheduleUnit.SCHEDULE_UNIT_UNSPECIFIED) {
            b.getOptimizerBuilder().getScheduleBuilder().setUnit(ScheduleUnit.STEPS);
        }
        return b.build();
    }

    private static List<Tensor> params(List<Param> ps) {
        List<Tensor> out = new ArrayList<>();
        for (Param p : ps) {
            out.add(Tensors.toProto(p.name(), p.value()));
        }
        return out;
    }

    /**
     * Puts a checkpoint's state into a trainer freshly built from the checkpoint's config. Fails with the file
     * name when the tensors do not match the network the config builds.
     */
    public static void restore(Trainer t, Checkpoint c, Path file) {
        restore(t, c, file, null);
    }

    /**
     * As {@link #restore(Trainer, Checkpoint, Path)}, continuing on the kernel {@code kernel} rather than the one the
     * run recorded (null: the recorded one); the continuation then matches the straight run to float rounding only.
     */
    public static void restore(Trainer t, Checkpoint c, Path file, String kernel) {
        CheckpointCheck.position(c, file, t.trainingSet().size());
        Models.restore(t.network(), c, file);
        String optimizer = t.experiment().getOptimizer().getType();
        if (!c.getOptimizer().getType().equals(optimizer)) {
            throw new SinapseException(file + ": optimizer state is for '" + c.getOptimizer().getType() + "', config says '" + optimizer + "'");
        }
        try {
            // the optimizer meets its parameters only at a step: check its state against them now, while the file is known
            t.optimizer().restore(Models.toState(c.getOptimizer().getState(), file));
            t.optimizer().checkRestored(t.network().params());
        } catch (SinapseException e) {
            throw Models.inFile(file, "optimizer '" + optimizer + "'", e);
        }
        TrainingState saved = state(c, t.network().params(), file);
        t.restore(kernel == null ? saved : saved.withKernel(kernel), file.toString());
    }

    /** The checkpoint's training state; format 1 kept the trainer's numbers and the kernel in early_stopping. */
    public static TrainingState state(Checkpoint c, List<Param> params, Path file) {
        long shuffle = 0, dropout = 0;
        for (RngState r : c.getRngsList()) {
            switch (r.getName()) {
                case SHUFFLE -> shuffle = r.getState();
                case DROPOUT -> dropout = r.getState();
                default -> {
                }
            }
        }
        TrainingPosition pos = c.getPosition();
        int[] order = null;
        if (pos.getBatchInEpoch() > 0) {
            order = new int[c.getEpochOrderCount()];
            for (int i = 0; i < order.length; i++) {
                order[i] = c.getEpochOrder(i);
            }
        }
        List<Metrics> history = new ArrayList<>();
        for (MetricRecord m : c.getHistoryList()) {
            history.add(new Metrics(m.getStep(), m.getEpoch(), m.getLoss(), m.getTrainAccuracy(), m.getDevLoss(),
                    m.getDevAccuracy(), m.getLearningRate(), m.getElapsedSeconds(), switch (m.getEndOfRun()) {
                        case EVALUATION_AT_END -> Metrics.AtEnd.EVALUATION;
                        case POINT_AT_END -> Metrics.AtEnd.POINT;
                        default -> Metrics.AtEnd.NO;
                    }));
        }
        TrainingState.Best best = c.hasBest() ? new TrainingState.Best(c.getBest().getValue(), c.getBest().getStep()) : null;
        TrainerState ts = trainer(c, file);
        List<Matrix> bestParams = null;
        if (ts.getBestParamsCount() > 0) {
            bestParams = new ArrayList<>();
            for (Param p : params) {
                Tensor x = ts.getBestParamsList().stream().filter(b -> b.getName().equals(p.name())).findFirst()
                        .orElseThrow(() -> new SinapseException(file + ": has no best weights for '" + p.name() + "'"));
                Matrix m = Models.toMatrix(x, file);
                if (!m.sameShape(p.value())) {
                    throw new SinapseException(file + ": best weights '" + p.name() + "' are " + m.shape()
                            + ", but the network expects " + p.value().shape());
                }
                bestParams.add(m);
            }
        }
        String kernel = kernelOf(c, file);
        return new TrainingState(pos.getEpoch(), pos.getStep(), (int) pos.getBatchInEpoch(), order, shuffle, dropout,
                history, best, (int) ts.getEvaluationsWithoutImprovement(), bestParams,
                new TrainingState.Pending(ts.getPendingLossSum(), ts.getPendingCorrect(), ts.getPendingRows()),
                pos.getFinished(), ts.getStoppedEarly(), ts.getElapsedSeconds(), kernel);
    }

    /** The trainer's own numbers: their message since format 2, keys of early_stopping before. */
    static TrainerState trainer(Checkpoint c, Path file) {
        return c.getFormatVersion() >= 2 ? c.getTrainer() : trainerOfFormat1(c, file);
    }

    /** Format 1's trainer numbers, keyed in the early_stopping state; best weights as "best.<param>" tensors. */
    private static TrainerState trainerOfFormat1(Checkpoint c, Path file) {
        State es = Models.toState(c.getEarlyStopping(), file);
        TrainerState.Builder ts = TrainerState.newBuilder();
        if (es.longs().containsKey("evaluations_without_improvement")) {
            ts.setEvaluationsWithoutImprovement(es.getLong("evaluations_without_improvement"))
                    .setStoppedEarly(es.getLong("stopped_early") != 0)
                    .setElapsedSeconds(es.getDouble("elapsed_seconds"))
                    .setPendingLossSum(es.getDouble("pending_loss_sum"))
                    .setPendingCorrect(es.getLong("pending_correct"))
                    .setPendingRows(es.getLong("pending_rows"));
        }
        for (Tensor x : c.getEarlyStopping().getTensorsList()) {
            if (x.getName().startsWith("best.")) {
                ts.addBestParams(x.toBuilder().setName(x.getName().substring("best.".length())));
            }
        }
        return ts.build();
    }

    /** The kernel that trained the run ("" when the file does not say). */
    public static String kernelOf(Checkpoint c, Path file) {
        return c.getFormatVersion() >= 2 ? c.getKernel() : kernelOfFormat1(c, file);
    }

    private static String kernelOfFormat1(Checkpoint c, Path file) {
        for (String key : Models.toState(c.getEarlyStopping(), file).longs().keySet()) {
            if (key.startsWith(KERNEL)) {
                return key.substring(KERNEL.length());
            }
        }
        return "";
    }
}
