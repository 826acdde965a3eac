package dev.sinapse.apps;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.NetworkBuilder;
import dev.sinapse.api.Optimizer;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Rng;
import dev.sinapse.api.Schedule;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.io.proto.LayerConfig;
import dev.sinapse.io.proto.TrainingConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The training loop: epochs of shuffled mini-batches (or one full batch per epoch), forward, loss, backward,
 * weight decay and clipping, one optimizer step, and every {@code log_every} steps a metrics point with the
 * dev set evaluated. All state needed to continue exactly lives in this object's fields and is what a
 * checkpoint saves: position, generators, the epoch's row order, history, best metric, early-stopping count.
 */
public final class Trainer {
    /** Called as training goes; the console reporter and the checkpoint writer implement it. */
    public interface Listener {
        default void onStart(Trainer t) {
        }

        default void onStep(Trainer t) {
        }

        default void onLog(Trainer t, Metrics m) {
        }

        default void onEpochEnd(Trainer t) {
        }

        default void onEnd(Trainer t) {
        }
    }

    /** Asked after every step; true stops the loop at that step boundary (Ctrl-C). */
    public interface StopSignal {
        boolean stopRequested();
    }

    final Experiment experiment;
    final Network network;
    final Loss loss;
    final Optimizer optimizer;
    final Schedule schedule;
    final Dataset train;
    final Dataset dev;
    final float scale;
    final Compute compute;

    // the position and everything random: saved in checkpoints
    long epoch;            // completed epochs
    long step;             // optimizer steps done
    int batchInEpoch;      // batches done in the current epoch
    int[] epochOrder;      // row order of the current epoch (null at an epoch boundary)
    final Rng shuffleRng;
    final Rng dropoutRng;
    final List<Metrics> history = new ArrayList<>();
    double bestDevAccuracy = Double.NEGATIVE_INFINITY;
    long bestStep = -1;
    int evaluationsWithoutImprovement;
    List<Matrix> bestParams;   // kept in memory only when early stopping restores the best weights
    boolean finished;
    boolean stoppedEarly;
    double elapsedBefore;  // seconds spent before a resume

    // running sums since the last log point (mini-batch): saved too, so the next point averages the same steps
    double lossSum;
    long correctSum;
    long seenSum;
    final BatchKernel kernel;
    private int[] identityOrder;

    Trainer(Experiment experiment, Network network, Loss loss, Optimizer optimizer, Schedule schedule,
            Dataset train, Dataset dev, Compute compute, Rng shuffleRng, Rng dropoutRng, BatchKernel kernel) {
        this.experiment = experiment;
        this.network = network;
        this.loss = loss;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.train = train;
        this.dev = dev;
        this.scale = 1f / experiment.getData().getPixelScale();
        this.compute = compute;
        this.shuffleRng = shuffleRng;
        this.dropoutRng = dropoutRng;
        this.kernel = kernel;
    }

    /** Builds a fresh run from a resolved experiment: the network initialized from training.seed. */
    public static Trainer create(Experiment e, Registries registries, Experiments.Split split, Compute compute) {
        Rng master = new Rng(e.getTraining().getSeed());
        Rng init = master.split();
        Rng shuffle = master.split();
        Rng dropout = master.split();
        Network net = buildNetwork(e, registries, init);
        if (net.outputSize() < 2) {
            throw new SinapseException("network: the last layer gives " + net.outputSize()
                    + " outputs; a classifier needs one per class");
        }
        Options lossOptions = new Options("loss '" + e.getLoss().getType() + "'", e.getLoss().getOptionsMap());
        Loss loss = registries.losses().get(e.getLoss().getType(), "loss.type").create(lossOptions);
        lossOptions.requireAllUsed();
        Options optOptions = new Options("optimizer '" + e.getOptimizer().getType() + "'", e.getOptimizer().getOptionsMap());
        Optimizer opt = registries.optimizers().get(e.getOptimizer().getType(), "optimizer.type").create(optOptions);
        optOptions.requireAllUsed();
        var sc = e.getOptimizer().getSchedule();
        Options schedOptions = new Options("schedule '" + sc.getType() + "'", sc.getOptionsMap());
        Schedule schedule = registries.schedules().get(sc.getType(), "optimizer.schedule.type").create(schedOptions);
        schedOptions.requireAllUsed();
        // the fused kernels do the same arithmetic in other orders: the checkpoint records which one ran, and a
        // resume that would pick another is refused (Checkpoints.restore)
        BatchKernel kernel = FusedMlpKernel.tryCreate(e, net, loss, compute.threads())
                .orElseGet(() -> new LayerByLayerKernel(net, loss));
        if (e.getTraining().getEarlyStopping().getPatience() > 0 && split.dev().size() == 0) {
            throw new SinapseException("training.early_stopping.patience is " + e.getTraining().getEarlyStopping().getPatience()
                    + " but there is no dev set to watch (data.dev_rows is 0)");
        }
        int classes = maxLabel(split.train(), split.dev()) + 1;
        if (net.outputSize() < classes) {
            throw new SinapseException("network: the last layer gives " + net.outputSize() + " outputs, but "
                    + split.train().source() + " has labels up to " + (classes - 1) + "; give the last dense layer units: "
                    + classes);
        }
        return new Trainer(e, net, loss, opt, schedule, split.train(), split.dev(), compute, shuffle, dropout, kernel);
    }

    private static int maxLabel(Dataset... sets) {
        int max = 0;
        for (Dataset d : sets) {
            for (int i = 0; i < d.size(); i++) {
                max = Math.max(max, d.label(i));
            }
        }
        return max;
    }

    public static Network buildNetwork(Experiment e, Registries registries, Rng init) {
        List<LayerSpec> specs = new ArrayList<>();
        for (LayerConfig l : e.getNetwork().getLayersList()) {
            specs.add(new LayerSpec(l.getType(), l.getName(), l.getOptionsMap()));
        }
        return new NetworkBuilder(registries).build(e.getNetwork().getInputSize(), specs, init);
    }

    public Network network() {
        return network;
    }

    public List<Metrics> history() {
        return history;
    }

    public long step() {
        return step;
    }

    public long epoch() {
        return epoch;
    }

    public boolean finished() {
        return finished;
    }

    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    public int totalEpochs() {
        return experiment.getTraining().getEpochs();
    }

    public int batchSize() {
        int b = experiment.getTraining().getBatchSize();
        return b <= 0 ? train.size() : Math.min(b, train.size());
    }

    public int batchesPerEpoch() {
        return (train.size() + batchSize() - 1) / batchSize();
    }

    public long totalSteps() {
        return (long) totalEpochs() * batchesPerEpoch();
    }

    public double learningRate(long t) {
        double base = experiment.getOptimizer().getLearningRate();
        double rate = schedule.rate(t, base);
        long warmup = experiment.getOptimizer().getSchedule().getWarmupSteps();
        if (warmup > 0 && t < warmup) {
            rate *= (t + 1) / (double) warmup;
        }
        return rate;
    }

    /** Runs until the configured epochs are done, early stopping triggers, or {@code stop} asks. */
    public void run(Listener listener, StopSignal stop) {
        TrainingConfig tc = experiment.getTraining();
        long started = System.nanoTime();
        listener.onStart(this);
        boolean fullBatch = batchSize() == train.size();
        while (epoch < tc.getEpochs() && !finished) {
            if (epochOrder == null) {
                if (fullBatch) {
                    // every row in every step: no shuffle, and one array so a kernel may cache the batch
                    if (identityOrder == null) {
                        identityOrder = train.naturalOrder();
                    }
                    epochOrder = identityOrder;
                } else {
                    epochOrder = train.naturalOrder();
                    shuffleRng.shuffle(epochOrder);
                }
                batchInEpoch = 0;
            }
            int B = batchSize();
            while (batchInEpoch * B < train.size()) {
                int from = batchInEpoch * B, to = Math.min(train.size(), from + B);
                trainOneBatch(from, to);
                batchInEpoch++;
                step++;
                boolean epochDone = batchInEpoch * B >= train.size();
                if (epochDone) {
                    epoch++;
                    epochOrder = null;
                    batchInEpoch = 0;
                }
                boolean lastStep = epochDone && epoch >= tc.getEpochs();
                if (step % tc.getLogEvery() == 0) {
                    Metrics m = logPoint(elapsedBefore + (System.nanoTime() - started) / 1e9, true);
                    if (earlyStop(tc)) {
                        stoppedEarly = true;
                        finished = true;
                    }
                    listener.onLog(this, m);
                } else if (lastStep) {
                    // shown and written to metrics.csv, but kept out of the history and the running sums, so
                    // a run split in two has exactly the history of the same run done in one go
                    listener.onLog(this, logPoint(elapsedBefore + (System.nanoTime() - started) / 1e9, false));
                }
                listener.onStep(this);
                if (epochDone) {
                    listener.onEpochEnd(this);
                }
                if (finished || epochDone || stop.stopRequested()) {
                    break;
                }
            }
            if (stop.stopRequested() && !finished) {
                elapsedBefore += (System.nanoTime() - started) / 1e9;
                return;
            }
        }
        if (stoppedEarly && bestParams != null) {
            List<Param> ps = network.params();
            for (int i = 0; i < ps.size(); i++) {
                ps.get(i).value().setTo(bestParams.get(i));
            }
        }
        finished = true;
        elapsedBefore += (System.nanoTime() - started) / 1e9;
        listener.onEnd(this);
    }

    private void trainOneBatch(int from, int to) {
        BatchKernel.Result r = kernel.run(train, epochOrder, from, to, scale, Pass.training(compute, dropoutRng));
        if (!Double.isFinite(r.loss())) {
            throw new Diverged(step + 1, r.loss());
        }
        TrainingConfig tc = experiment.getTraining();
        List<Param> params = network.params();
        if (tc.getWeightDecay() > 0) {
            float wd = (float) tc.getWeightDecay();
            for (Param p : params) {
                if (p.decays()) {
                    p.grad().addScaledInPlace(wd, p.value());
                }
            }
        }
        if (tc.getClipNorm() > 0) {
            double norm = 0;
            for (Param p : params) {
                norm += p.grad().squaredNorm();
            }
            norm = Math.sqrt(norm);
            if (norm > tc.getClipNorm()) {
                float k = (float) (tc.getClipNorm() / norm);
                for (Param p : params) {
                    p.grad().scaleInPlace(k);
                }
            }
        }
        optimizer.step(params, learningRate(step));
        lossSum += r.loss() * (to - from);
        correctSum += r.correct();
        seenSum += to - from;
    }

    private Metrics logPoint(double elapsed, boolean record) {
        double trainLoss = lossSum / seenSum, trainAcc = correctSum / (double) seenSum;
        Evaluation ev = evaluate(dev);
        Metrics m = new Metrics(step, epoch, trainLoss, trainAcc, ev.loss(), ev.accuracy(), learningRate(step - 1), elapsed);
        if (record) {
            lossSum = 0;
            correctSum = 0;
            seenSum = 0;
            history.add(m);
        }
        return m;
    }

    private boolean earlyStop(TrainingConfig tc) {
        Metrics m = history.get(history.size() - 1);
        double minDelta = tc.getEarlyStopping().getMinDelta();
        if (m.devAccuracy() > bestDevAccuracy + minDelta || bestStep < 0) {
            bestDevAccuracy = m.devAccuracy();
            bestStep = m.step();
            evaluationsWithoutImprovement = 0;
            if (tc.getEarlyStopping().getPatience() > 0 && tc.getEarlyStopping().getRestoreBest()) {
                bestParams = new ArrayList<>();
                for (Param p : network.params()) {
                    bestParams.add(p.value().copy());
                }
            }
            return false;
        }
        evaluationsWithoutImprovement++;
        int patience = tc.getEarlyStopping().getPatience();
        return patience > 0 && evaluationsWithoutImprovement >= patience;
    }

    /** True when the last log point set a new best dev accuracy. */
    public boolean lastLogWasBest() {
        return !history.isEmpty() && bestStep == history.get(history.size() - 1).step();
    }

    public record Evaluation(double loss, double accuracy, int rows) {
    }

    /** Loss and accuracy on a labelled dataset, in inference mode, in batches to bound memory. */
    public Evaluation evaluate(Dataset data) {
        if (data.size() == 0) {
            return new Evaluation(Double.NaN, Double.NaN, 0);
        }
        int[] order = data.naturalOrder();
        double lossTotal = 0;
        long right = 0;
        int chunk = 2048;
        for (int from = 0; from < data.size(); from += chunk) {
            int to = Math.min(data.size(), from + chunk);
            Matrix X = data.batch(order, from, to, scale);
            int[] y = data.labels(order, from, to);
            Matrix A = network.forward(X, Pass.inference(compute));
            lossTotal += loss.value(A, y) * y.length;
            right += correct(A, y);
        }
        return new Evaluation(lossTotal / data.size(), right / (double) data.size(), data.size());
    }

    static long correct(Matrix A, int[] y) {
        long c = 0;
        for (int i = 0; i < y.length; i++) {
            if (A.argmaxRow(i) == y[i]) {
                c++;
            }
        }
        return c;
    }

    /** The loss became NaN or infinite: training cannot go on. */
    public static final class Diverged extends SinapseException {
        public Diverged(long step, double loss) {
            super("training diverged at step " + step + ": the loss is " + loss
                    + "; lower optimizer.learning_rate or set training.clip_norm");
        }
    }
}
