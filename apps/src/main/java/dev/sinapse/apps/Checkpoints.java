package dev.sinapse.apps;

import dev.sinapse.api.Layer;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.State;
import dev.sinapse.io.checkpoint.CheckpointFormat;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.proto.BestMetric;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.MetricRecord;
import dev.sinapse.io.proto.NamedState;
import dev.sinapse.io.proto.OptimizerState;
import dev.sinapse.io.proto.Provenance;
import dev.sinapse.io.proto.RngState;
import dev.sinapse.io.proto.Tensor;
import dev.sinapse.io.proto.TrainingPosition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Between a live {@link Trainer} and a {@link Checkpoint} message: everything to continue bit-exactly. */
final class Checkpoints {
    /** Owner of the loop's own numbers in the early_stopping state: patience count, running sums, time. */
    private static final String TRAINER = "trainer";
    /** Prefix of the number naming the batch kernel a run used ("kernel:fused-vector" = 1). */
    private static final String KERNEL = "kernel:";
    private static final String VECTOR_KERNEL = "fused-vector";

    private Checkpoints() {
    }

    static Checkpoint snapshot(Trainer t, Provenance provenance) {
        Checkpoint.Builder c = Checkpoint.newBuilder()
                .setFormatVersion(CheckpointFormat.CURRENT_VERSION)
                .setConfigText(ConfigFiles.toText(t.experiment))
                .setConfig(t.experiment)
                .addAllParams(params(t))
                .setOptimizer(OptimizerState.newBuilder()
                        .setType(t.experiment.getOptimizer().getType())
                        .setState(Tensors.toProto(t.experiment.getOptimizer().getType(), t.optimizer.state())))
                .setPosition(TrainingPosition.newBuilder()
                        .setEpoch(t.epoch).setStep(t.step).setBatchInEpoch(t.batchInEpoch).setFinished(t.finished))
                .addRngs(RngState.newBuilder().setName("shuffle").setState(t.shuffleRng.state()))
                .addRngs(RngState.newBuilder().setName("dropout").setState(t.dropoutRng.state()))
                .setProvenance(provenance);
        for (Layer l : t.network.layers()) {
            State s = l.state();
            if (!s.isEmpty()) {
                c.addLayerStates(Tensors.toProto(l.name(), s));
            }
        }
        if (t.epochOrder != null && t.batchInEpoch > 0) {
            for (int i : t.epochOrder) {
                c.addEpochOrder(i);
            }
        }
        for (Metrics m : t.history) {
            c.addHistory(MetricRecord.newBuilder().setStep(m.step()).setEpoch(m.epoch()).setLoss(m.loss())
                    .setTrainAccuracy(m.trainAccuracy()).setDevLoss(m.devLoss()).setDevAccuracy(m.devAccuracy())
                    .setLearningRate(m.learningRate()).setElapsedSeconds(m.elapsedSeconds()));
        }
        if (t.bestStep >= 0) {
            c.setBest(BestMetric.newBuilder().setMetric("dev_accuracy").setValue(t.bestDevAccuracy).setStep(t.bestStep));
        }
        State es = new State()
                .putLong("evaluations_without_improvement", t.evaluationsWithoutImprovement)
                .putLong("stopped_early", t.stoppedEarly ? 1 : 0)
                .putLong(KERNEL + t.kernel.name(), 1)
                .putDouble("elapsed_seconds", t.elapsedBefore)
                .putDouble("pending_loss_sum", t.lossSum)
                .putLong("pending_correct", t.correctSum)
                .putLong("pending_rows", t.seenSum);
        if (t.bestParams != null) {
            List<Param> ps = t.network.params();
            for (int i = 0; i < ps.size(); i++) {
                es.put("best." + ps.get(i).name(), t.bestParams.get(i));
            }
        }
        c.setEarlyStopping(Tensors.toProto(TRAINER, es));
        return c.build();
    }

    static List<Tensor> params(Trainer t) {
        List<Tensor> out = new ArrayList<>();
        for (Param p : t.network.params()) {
            out.add(Tensors.toProto(p.name(), p.value()));
        }
        return out;
    }

    /**
     * Puts a checkpoint's state into a trainer freshly built from the checkpoint's config. Fails with the file
     * name when the tensors do not match the network the config builds.
     */
    static void restore(Trainer t, Checkpoint c, Path file) {
        restoreModel(t.network, c, file);
        List<Param> ps = t.network.params();
        if (!c.getOptimizer().getType().equals(t.experiment.getOptimizer().getType())) {
            throw new SinapseException(file + ": optimizer state is for '" + c.getOptimizer().getType() + "', config says '" + t.experiment.getOptimizer().getType() + "'");
        }
        t.optimizer.restore(toState(c.getOptimizer().getState(), file));
        for (RngState r : c.getRngsList()) {
            switch (r.getName()) {
                case "shuffle" -> t.shuffleRng.restore(r.getState());
                case "dropout" -> t.dropoutRng.restore(r.getState());
                default -> {
                }
            }
        }
        TrainingPosition pos = c.getPosition();
        t.epoch = pos.getEpoch();
        t.step = pos.getStep();
        t.batchInEpoch = (int) pos.getBatchInEpoch();
        if (t.batchInEpoch > 0) {
            if (c.getEpochOrderCount() != t.train.size()) {
                throw new SinapseException(file + ": the saved epoch order has " + c.getEpochOrderCount() + " rows, the training set " + t.train.size());
            }
            int[] order = new int[c.getEpochOrderCount()];
            for (int i = 0; i < order.length; i++) {
                order[i] = c.getEpochOrder(i);
                if (order[i] < 0 || order[i] >= order.length) {
                    throw new SinapseException(file + ": the saved epoch order has row " + order[i] + " outside 0.." + (order.length - 1));
                }
            }
            t.epochOrder = order;
        } else {
            t.epochOrder = null;
        }
        t.history.clear();
        for (MetricRecord m : c.getHistoryList()) {
            t.history.add(new Metrics(m.getStep(), m.getEpoch(), m.getLoss(), m.getTrainAccuracy(), m.getDevLoss(),
                    m.getDevAccuracy(), m.getLearningRate(), m.getElapsedSeconds()));
        }
        if (c.hasBest()) {
            t.bestDevAccuracy = c.getBest().getValue();
            t.bestStep = c.getBest().getStep();
        }
        State es = toState(c.getEarlyStopping(), file);
        checkSameKernel(t, es, file);
        if (es.longs().containsKey("evaluations_without_improvement")) {
            t.evaluationsWithoutImprovement = (int) es.getLong("evaluations_without_improvement");
            t.stoppedEarly = es.getLong("stopped_early") != 0;
            t.elapsedBefore = es.getDouble("elapsed_seconds");
            t.lossSum = es.getDouble("pending_loss_sum");
            t.correctSum = es.getLong("pending_correct");
            t.seenSum = es.getLong("pending_rows");
        }
        // a finished run resumed with more epochs goes on; one that stopped early stays stopped
        t.finished = pos.getFinished() && (t.stoppedEarly || t.epoch >= t.totalEpochs());
        if (!es.tensors().isEmpty()) {
            t.bestParams = new ArrayList<>();
            for (Param p : ps) {
                t.bestParams.add(es.tensor("best." + p.name(), p.value().rows(), p.value().cols()).copy());
            }
        }
    }

    /**
     * The kernels agree only to float rounding, so continuing a run on another one would not continue it
     * bit-exactly. The vector kernel is there only when Java is started with the Vector API module.
     */
    private static void checkSameKernel(Trainer t, State es, Path file) {
        String now = t.kernel.name();
        for (String key : es.longs().keySet()) {
            if (key.startsWith(KERNEL) && !key.substring(KERNEL.length()).equals(now)) {
                String then = key.substring(KERNEL.length());
                String how = then.equals(VECTOR_KERNEL) ? "resume it with java --add-modules jdk.incubator.vector -jar sinapse.jar train --resume " + file
                        : now.equals(VECTOR_KERNEL) ? "resume it without --add-modules jdk.incubator.vector"
                        : "resume it with the same network and Java options";
                throw new SinapseException(file + ": this run was trained with the '" + then + "' kernel, this Java would use '"
                        + now + "', whose float rounding differs; " + how);
            }
        }
    }

    private static Matrix toMatrix(Tensor x, Path file) {
        try {
            return Tensors.toMatrix(x);
        } catch (SinapseException e) {
            throw new SinapseException(file + ": " + e.getMessage());
        }
    }

    private static State toState(NamedState s, Path file) {
        try {
            return Tensors.toState(s);
        } catch (SinapseException e) {
            throw new SinapseException(file + ": " + e.getMessage());
        }
    }

    /**
     * The trained network alone, for inference: built from the checkpoint's config, then its parameters and
     * layer states (batch_norm's running statistics) copied in by name, with the same shape checks as
     * {@link #restore}. The initialization draws are overwritten, so the generator's seed does not matter.
     */
    static Network loadModel(Checkpoint c, Path file, Registries registries) {
        Network net;
        try {
            net = Trainer.buildNetwork(c.getConfig(), registries, new Rng(0));
        } catch (SinapseException e) {
            throw new SinapseException(file + ": " + e.getMessage());
        }
        restoreModel(net, c, file);
        return net;
    }

    /** Copies the parameters and layer states into {@code net} by name, checking count, names and shapes. */
    private static void restoreModel(Network net, Checkpoint c, Path file) {
        Map<String, Tensor> byName = new HashMap<>();
        for (Tensor x : c.getParamsList()) {
            byName.put(x.getName(), x);
        }
        if (c.getParamsCount() != net.params().size()) {
            throw new SinapseException(file + ": holds " + c.getParamsCount() + " parameter tensors, but the network built from its config has " + net.params().size());
        }
        for (Param p : net.params()) {
            Tensor x = byName.get(p.name());
            if (x == null) {
                throw new SinapseException(file + ": has no tensor '" + p.name() + "' for the network in its config");
            }
            Matrix m = toMatrix(x, file);
            if (!m.sameShape(p.value())) {
                throw new SinapseException(file + ": tensor '" + p.name() + "' is " + m.shape() + ", but the network expects " + p.value().shape());
            }
            p.value().setTo(m);
        }
        Map<String, NamedState> layerStates = new HashMap<>();
        for (NamedState s : c.getLayerStatesList()) {
            layerStates.put(s.getOwner(), s);
        }
        for (Layer l : net.layers()) {
            NamedState s = layerStates.get(l.name());
            if (s != null) {
                l.restore(toState(s, file));
            } else if (!l.state().isEmpty()) {
                throw new SinapseException(file + ": has no saved state for layer '" + l.name() + "'");
            }
        }
    }
}
