package dev.sinapse.apps.training;

import dev.sinapse.api.Compute;
import dev.sinapse.api.CrossEntropyLoss;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Optimizer;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Rng;
import dev.sinapse.api.Schedule;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.inference.Models;
import dev.sinapse.io.config.Experiments.Split;
import dev.sinapse.io.proto.Cadence;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.io.proto.ScheduleUnit;
import dev.sinapse.io.proto.TrainingConfig;
import dev.sinapse.kernels.BatchKernel;
import dev.sinapse.kernels.Kernels;
import dev.sinapse.kernels.ParallelCompute;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The training loop: epochs of shuffled mini-batches (or one full batch per epoch), forward and backward through
 * the chosen {@link BatchKernel}, weight decay and clipping, one optimizer step. Two cadences of their own:
 * {@code eval_every} evaluates the dev set (early stopping's patience and the best count these evaluations), and
 * {@code log_every} only adds points to the history, so it never changes the model. Each point (a metrics.csv row)
 * averages the training loss over the steps since the previous one; the last step of a run always makes one, with
 * a dev evaluation. Its position, generators, sums, history and early-stopping counters are private:
 * {@link #state()} gives them as one value and {@link #restore} takes one back.
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

    private final Experiment experiment;
    private final Network network;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Schedule schedule;
    private final Dataset train;
    private final Dataset dev;
    private final float scale;
    private final Compute compute;
    private final Kernels kernels;
    private final int threads;
    private BatchKernel kernel;

    // the position and everything random: what state() gives
    private long epoch;
    private long step;
    private int batchInEpoch;
    private int[] epochOrder;          // row order of the current epoch (null at an epoch boundary)
    private final Rng shuffleRng;
    private final Rng dropoutRng;
    private final List<Metrics> history = new ArrayList<>();
    private double bestDevAccuracy = Double.NEGATIVE_INFINITY;
    private long bestStep = -1;
    private int evaluationsWithoutImprovement;
    private List<Matrix> bestParams;   // kept only when early stopping restores the best weights
    private boolean finished;
    private boolean stoppedEarly;
    private double elapsedBefore;      // seconds spent before this process
    // running sums since the last log point, so that the next point averages the same steps after a resume
    private double lossSum;
    private long correctSum;
    private long seenSum;
    private int[] identityOrder;

    /** A learning rate below this fraction of the base rate counts as collapsed ({@link #learningRateWarning}). */
    public static final double COLLAPSED = 1e-6;

    private Trainer(Experiment experiment, Network network, Loss loss, Optimizer optimizer, Schedule schedule,
            Split split, Kernels kernels, int threads, Rng shuffleRng, Rng dropoutRng) {
        this.experiment = experiment;
        this.network = network;
        this.loss = loss;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.train = split.train();
        this.dev = split.dev();
        this.scale = 1f / experiment.getData().getPixelScale();
        this.compute = ParallelCompute.create(threads);
        this.kernels = kernels;
        this.threads = threads;
        this.shuffleRng = shuffleRng;
        this.dropoutRng = dropoutRng;
        // the fastest kernel for this network; kernels agree to float rounding only, so restore() switches to the
        // one a resumed run recorded
        this.kernel = kernels.choose(network, loss, threads);
    }

    /**
     * A fresh run of a resolved experiment: the network initialized from training.seed, {@code threads} threads,
     * and the fastest kernel {@code kernels} has for the network.
     */
    public static Trainer create(Experiment e, Registries registries, Split split, Kernels kernels, int threads) {
        Rng master = new Rng(e.getTraining().getSeed());
        Rng init = master.split();
        Rng shuffle = master.split();
        Rng dropout = master.split();
        Network net = Models.build(e, registries, init);
        if (net.outputSize() < 2) {
            throw new SinapseException("network: the last layer gives " + net.outputSize()
                    + " outputs; a classifier needs one per class");
        }
        Options lossOptions = new Options("loss '" + e.getLoss().getType() + "'", e.getLoss().getOptionsMap());
        Loss loss = registries.losses().get(e.getLoss().getType(), "loss.type").create(lossOptions);
        lossOptions.requireAllUsed();
        // the form of the loss that reads this network's output, or a refusal saying what to change
        loss = loss.forOutputOf(net);
        Options optOptions = new Options("optimizer '" + e.getOptimizer().getType() + "'", e.getOptimizer().getOptionsMap());
        Optimizer opt = registries.optimizers().get(e.getOptimizer().getType(), "optimizer.type").create(optOptions);
        optOptions.requireAllUsed();
        var sc = e.getOptimizer().getSchedule();
        Options schedOptions = new Options("schedule '" + sc.getType() + "'", sc.getOptionsMap());
        Schedule schedule = registries.schedules().get(sc.getType(), "optimizer.schedule.type").create(schedOptions);
        schedOptions.requireAllUsed();
        if (e.getTraining().getEarlyStopping().getPatience() > 0 && split.dev().size() == 0) {
            throw new SinapseException("training.early_stopping.patience is " + e.getTraining().getEarlyStopping().getPatience()
                    + " but there is no dev set to watch (data.dev_rows is 0)");
        }
        int seen = maxLabel(split.train(), split.dev()) + 1;
        int stated = e.getData().getNumClasses();
        if (stated > 0 && seen > stated) {
            throw new SinapseException(split.train().source() + ": label " + (seen - 1) + " (class index), but data.num_classes"
                    + " is " + stated + " (classes 0.." + (stated - 1) + ")");
        }
        int classes = stated > 0 ? stated : seen;
        if (net.outputSize() < classes) {
            throw new SinapseException("network: the last layer gives " + net.outputSize() + " outputs, but "
                    + split.train().source() + " has labels up to " + (classes - 1) + "; give the last dense layer units: "
                    + classes);
        }
        if (net.outputSize() > classes) {
            // an output no label ever asks for is a score that training only pushes down: a mistake in the config
            throw new SinapseException("network: the last layer gives " + net.outputSize() + " outputs, but "
                    + split.train().source() + " has " + classes + " classes (labels 0.." + (classes - 1)
                    + "); give the last dense layer units: " + classes);
        }
        return new Trainer(e, net, loss, opt, schedule, split, kernels, threads, shuffle, dropout);
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

    public Experiment experiment() {
        return experiment;
    }

    public Network network() {
        return network;
    }

    public Loss loss() {
        return loss;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public BatchKernel kernel() {
        return kernel;
    }

    public Dataset trainingSet() {
        return train;
    }

    public List<Metrics> history() {
        return Collections.unmodifiableList(history);
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

    public double bestDevAccuracy() {
        return bestDevAccuracy;
    }

    public long bestStep() {
        return bestStep;
    }

    /** Seconds of training so far, over every process of the run. */
    public double elapsedSeconds() {
        return elapsedBefore;
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

    /**
     * The epoch that step {@code s} (counted from 1) belongs to, counted from 1: steps 1..B are epoch 1 when an
     * epoch is B steps, so at an epoch's last step it is the number of epochs completed. 1 before the first step.
     * Progress lines, metrics.csv and the checkpoint's history all number epochs this way.
     */
    public long epochOf(long s) {
        return s <= 0 ? 1 : (s - 1) / batchesPerEpoch() + 1;
    }

    /**
     * The rate of step t (from 0): the schedule at t, or at the epochs completed before step t when
     * optimizer.schedule.unit is EPOCHS, times the linear warm-up (counted in steps) while t < warmup_steps.
     */
    public double learningRate(long t) {
        double base = experiment.getOptimizer().getLearningRate();
        boolean epochs = experiment.getOptimizer().getSchedule().getUnit() == ScheduleUnit.EPOCHS;
        double rate = schedule.rate(epochs ? t / batchesPerEpoch() : t, base);
        long warmup = experiment.getOptimizer().getSchedule().getWarmupSteps();
        if (warmup > 0 && t < warmup) {
            rate *= (t + 1) / (double) warmup;
        }
        return rate;
    }

    /**
     * One line when the schedule drives the rate below {@link #COLLAPSED} of its base before the last 1% of the
     * run's steps (cosine annealing to 0 gets there in its last steps by design), typically options meant in epochs
     * read as steps; empty otherwise. Looks at up to 100,000 steps spread over the run.
     */
    public Optional<String> learningRateWarning() {
        double base = experiment.getOptimizer().getLearningRate();
        long total = totalSteps();
        long until = total - Math.max(1, total / 100);
        long stride = Math.max(1, until / 100_000);
        for (long t = 0; t < until; t += stride) {
            if (learningRate(t) < base * COLLAPSED) {
                var sc = experiment.getOptimizer().getSchedule();
                boolean steps = sc.getUnit() != ScheduleUnit.EPOCHS;
                return Optional.of(String.format(Locale.ROOT,
                        "the learning rate falls below 1e-6 of its start from step %d of %d (%.3g, and %.3g at the last"
                                + " step): optimizer.schedule '%s' counts %s%s", t + 1, total, learningRate(t),
                        learningRate(total - 1), sc.getType(), steps ? "steps" : "epochs",
                        steps ? "; if its options were meant in epochs, set optimizer.schedule.unit: EPOCHS" : ""));
            }
        }
        return Optional.empty();
    }

    /** Everything to continue this run exactly, as one value (the model and optimizer slots aside). */
    public TrainingState state() {
        return new TrainingState(epoch, step, batchInEpoch, batchInEpoch > 0 && epochOrder != null ? epochOrder.clone() : null,
                shuffleRng.state(), dropoutRng.state(), history,
                bestStep >= 0 ? new TrainingState.Best(bestDevAccuracy, bestStep) : null, evaluationsWithoutImprovement,
                bestParams, new TrainingState.Pending(lossSum, correctSum, seenSum), finished, stoppedEarly,
                elapsedBefore, kernel.name());
    }

    /**
     * Continues from {@code s}, on the kernel it names: another kernel would round differently and not continue
     * the same run. Fails with the way out when that kernel cannot run here, or when the position does not fit
     * this training set. {@code where} names the source in messages (the checkpoint file).
     */
    public void restore(TrainingState s, String where) {
        CheckpointCheck.positionFits(s.epoch(), s.step(), s.batchInEpoch(), train.size(), experiment.getTraining().getBatchSize(), where);
        if (!s.kernel().isEmpty() && !s.kernel().equals(kernel.name())) {
            String would = kernel.name();
            switchKernel(s.kernel(), where + ": kernel", () -> new KernelUnavailable(where, s.kernel(), would));
        }
        if (s.batchInEpoch() > 0) {
            int[] order = s.epochOrder();
            if (order == null || order.length != train.size()) {
                throw new SinapseException(where + ": the saved epoch order has " + (order == null ? 0 : order.length)
                        + " rows, the training set " + train.size());
            }
            java.util.BitSet seen = new java.util.BitSet(order.length);
            for (int v : order) {
                if (v < 0 || v >= order.length || seen.get(v)) {
                    throw new SinapseException(where + ": the saved epoch order has row " + v + (v >= 0 && v < order.length
                            ? " twice" : " outside 0.." + (order.length - 1)));
                }
                seen.set(v);
            }
            epochOrder = order.clone();
        } else {
            epochOrder = null;
        }
        epoch = s.epoch();
        step = s.step();
        batchInEpoch = s.batchInEpoch();
        shuffleRng.restore(s.shuffleRng());
        dropoutRng.restore(s.dropoutRng());
        bestDevAccuracy = s.best() == null ? Double.NEGATIVE_INFINITY : s.best().devAccuracy();
        bestStep = s.best() == null ? -1 : s.best().step();
        evaluationsWithoutImprovement = s.evaluationsWithoutImprovement();
        bestParams = s.bestParams() == null ? null : new ArrayList<>(s.bestParams());
        lossSum = s.pending().lossSum();
        correctSum = s.pending().correct();
        seenSum = s.pending().rows();
        stoppedEarly = s.stoppedEarly();
        elapsedBefore = s.elapsedSeconds();
        // a finished run resumed with more epochs goes on; one that stopped early stays stopped
        finished = s.finished() && (stoppedEarly || epoch >= totalEpochs());
        history.clear();
        for (Metrics m : s.history()) {
            // going on, the points of the old end are taken back: the run's history is then the straight run's
            if (finished || m.atEnd() == Metrics.AtEnd.NO) {
                history.add(m);
            } else if (m.atEnd() == Metrics.AtEnd.EVALUATION) {
                history.add(m.withoutEvaluation());
            }
        }
    }

    /**
     * Trains on the kernel bound as {@code name} from now on (train's and bench's {@code --kernel}). Fails naming the
     * known kernels for an unknown name, and with what the kernel needs when it cannot run this network here.
     */
    public void useKernel(String name, String where) {
        switchKernel(name, where, () -> new SinapseException(where + " " + name + ": cannot run this network here; it runs "
                + kernels.factories().get(name).help()));
    }

    private void switchKernel(String name, String where, java.util.function.Supplier<SinapseException> cannot) {
        if (!name.equals(kernel.name())) {
            kernel = kernels.named(name, network, loss, threads, where).orElseThrow(cannot);
        }
    }

    /** A resumed run's kernel cannot run here: the caller knows the command that works, and says it. */
    public static final class KernelUnavailable extends SinapseException {
        private final String recorded;
        private final String available;

        KernelUnavailable(String where, String recorded, String available) {
            super(where + ": this run was trained with the '" + recorded + "' kernel, which cannot run here (this Java"
                    + " would use '" + available + "', whose float rounding differs)");
            this.recorded = recorded;
            this.available = available;
        }

        /** The kernel the run recorded. */
        public String recorded() {
            return recorded;
        }

        /** The kernel this Java would run the network on. */
        public String available() {
            return available;
        }
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
                step(epochOrder, from, to);
                batchInEpoch++;
                boolean epochDone = batchInEpoch * B >= train.size();
                if (epochDone) {
                    epoch++;
                    epochOrder = null;
                    batchInEpoch = 0;
                }
                boolean lastStep = epochDone && epoch >= tc.getEpochs();
                boolean logDue = step % tc.getLogEvery() == 0;
                boolean evalDue = dev.size() > 0 && evaluationDue(tc.getEvalEvery(), epochDone);
                if (logDue || evalDue || lastStep) {
                    Metrics m = point(elapsedBefore + (System.nanoTime() - started) / 1e9, logDue, evalDue, lastStep);
                    listener.onLog(this, m);
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

    /**
     * One optimizer step on rows order[from..to) of the training set: the kernel's forward and backward, weight
     * decay, clipping, the update at this step's learning rate. The loop calls it; so does {@code bench}, so a
     * timed step is a training step. Fails with {@link Diverged} when the loss is not finite.
     */
    public BatchKernel.Result step(int[] order, int from, int to) {
        BatchKernel.Result r = kernel.run(train, order, from, to, scale, Pass.training(compute, dropoutRng));
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
        optimizer.step(params, learningRate(step), compute);
        step++;
        lossSum += r.loss() * (to - from);
        correctSum += r.correct();
        seenSum += to - from;
        return r;
    }

    /** Whether the dev set is evaluated after this step: every N steps, or at the end of every N-th epoch. */
    private boolean evaluationDue(Cadence every, boolean epochDone) {
        return switch (every.getEveryCase()) {
            case STEPS -> step % every.getSteps() == 0;
            case EPOCHS -> epochDone && epoch % every.getEpochs() == 0;
            case EVERY_NOT_SET -> false;
        };
    }

    /**
     * The point of this step, added to the history. On a cadence (a log point, an evaluation), it restarts the
     * training sums, and an evaluation counts for the best and for early stopping. At the last step off the
     * cadences, the dev set is evaluated all the same, but for the record only: that evaluation, and a point off
     * the log cadence too, leave the sums, the best and the patience as they were, so a run resumed with more
     * epochs goes on exactly as the straight run (and {@link #restore} takes them back).
     */
    private Metrics point(double elapsed, boolean logDue, boolean evalDue, boolean lastStep) {
        boolean onCadence = logDue || evalDue;
        boolean evaluate = dev.size() > 0 && (evalDue || lastStep);
        if (logDue || lastStep) {
            checkNotStuck(lossSum / seenSum);   // at log points, as the rule was set: evaluations alone do not test it
        }
        Evaluation ev = evaluate ? evaluate(dev) : new Evaluation(Double.NaN, Double.NaN, 0);
        Metrics.AtEnd atEnd = !onCadence ? Metrics.AtEnd.POINT : evaluate && !evalDue ? Metrics.AtEnd.EVALUATION : Metrics.AtEnd.NO;
        Metrics m = new Metrics(step, epochOf(step), lossSum / seenSum, correctSum / (double) seenSum, ev.loss(),
                ev.accuracy(), learningRate(step - 1), elapsed, atEnd);
        history.add(m);
        if (onCadence) {
            lossSum = 0;
            correctSum = 0;
            seenSum = 0;
        }
        if (evalDue && earlyStop(experiment.getTraining(), m)) {
            stoppedEarly = true;
            finished = true;
        }
        return m;
    }

    /**
     * A cross-entropy loss is clamped ({@link CrossEntropyLoss#TINY}), so a run whose outputs have blown up does not
     * become NaN: it sits near the clamp, −log TINY ≈ 69.08, and learns nothing. Diverged when the mean loss since
     * the last log point is at least half that value (the true class gets a probability below 10⁻¹⁵, on average over
     * at least {@value #STUCK_MIN_ROWS} rows); a learning network, even a poor one, is tens of nats below it. The
     * sums it reads are saved with the run, so a resumed run stops at the same step as a straight one.
     */
    private void checkNotStuck(double meanLoss) {
        double clamp = CrossEntropyLoss.nll(0f);
        if (loss instanceof CrossEntropyLoss && seenSum >= Math.min(STUCK_MIN_ROWS, train.size())
                && meanLoss >= STUCK_FRACTION * clamp) {
            long first = history.isEmpty() ? 1 : history.get(history.size() - 1).step() + 1;
            throw new Diverged(String.format(java.util.Locale.ROOT, "training diverged at step %d: the mean loss of"
                    + " steps %d..%d is %.2f, stuck near the cross-entropy clamp (%.2f)", step, first, step, meanLoss, clamp));
        }
    }

    /** The mean loss at which a cross-entropy run counts as stuck at the clamp, as a fraction of the clamp's value. */
    static final double STUCK_FRACTION = 0.5;
    /** Rows a stuck mean must cover (or the whole training set, if smaller), so one odd batch cannot stop a run. */
    static final int STUCK_MIN_ROWS = 32;

    private boolean earlyStop(TrainingConfig tc, Metrics m) {
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

    /** True when the last point of the history is an evaluation that set a new best dev accuracy. */
    public boolean lastPointSetBest() {
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
        int chunk = evaluationRows(network);
        for (int from = 0; from < data.size(); from += chunk) {
            int to = Math.min(data.size(), from + chunk);
            Matrix X = data.batch(order, from, to, scale);
            int[] y = data.labels(order, from, to);
            Matrix A = kernel.outputs(network, X, compute);
            lossTotal += loss.value(A, y) * y.length;
            right += BatchKernel.hits(A, y);
        }
        return new Evaluation(lossTotal / data.size(), right / (double) data.size(), data.size());
    }

    /**
     * Floats one layer's output may hold in an evaluation batch (8 MiB): arrays this large are allocated whole in G1's
     * humongous regions, which a small heap (-Xmx300m) can fail to find contiguous.
     */
    static final long EVALUATION_FLOATS = 2L << 20;

    /**
     * Rows per evaluation batch: 2048, fewer when a layer's output is wide (a convolution's 6 × 28 × 28 a row), so each
     * layer's output stays within {@link #EVALUATION_FLOATS} and 42,000 rows evaluate in a few hundred MB of heap.
     * Networks whose layers have at most 1,024 outputs keep batches of 2048.
     */
    static int evaluationRows(Network network) {
        int widest = 1;
        for (dev.sinapse.api.Layer l : network.layers()) {
            widest = Math.max(widest, l.outputSize());
        }
        return (int) Math.max(64, Math.min(2048, EVALUATION_FLOATS / widest));
    }

    /** The loss became NaN or infinite, or stuck at the cross-entropy clamp: training cannot go on. */
    public static final class Diverged extends SinapseException {
        private static final String ADVICE = "; lower optimizer.learning_rate or set training.clip_norm";

        public Diverged(long step, double loss) {
            this("training diverged at step " + step + ": the loss is " + loss);
        }

        private Diverged(String what) {
            super(what + ADVICE);
        }
    }
}
