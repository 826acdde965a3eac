package dev.sinapse.apps.cli;

import com.google.inject.Injector;
import dev.sinapse.api.Compute;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Layer;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.report.Describe;
import dev.sinapse.apps.training.Trainer;
import dev.sinapse.apps.training.TrainingState;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.kernels.BatchKernel;
import dev.sinapse.kernels.Kernels;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench [--config FILE] [--data FILE] [--iterations N] [--threads T] [--batch-size B] [--warmup N]}: times
 * training steps (kernel forward/backward plus the optimizer step) after a warm-up and prints the median. With
 * full batch an iteration is one step over every training row; with a batch size it is one shuffled epoch.
 * The last line, {@code bench: key=value ...}, is for scripts.
 */
@Command(name = "bench", description = "Time training iterations of an experiment (default: the article's network on the bundled sample).")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExperimentOptions experiment;

    @Option(names = "--data", paramLabel = "FILE", description = "Kaggle-layout CSV (or .csv.gz) instead of the config's data.path.")
    Path data;

    @Option(names = "--iterations", paramLabel = "N", description = "Timed iterations (default ${DEFAULT-VALUE}).")
    int iterations = 50;

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed iterations first, for the JIT (default ${DEFAULT-VALUE}).")
    int warmup = 10;

    @Option(names = "--threads", paramLabel = "T", description = "Threads (default: training.threads, 0 = all cores).")
    Integer threads;

    @Option(names = "--batch-size", paramLabel = "B", description = "Rows per step; 0 = full batch (default: the config's).")
    Integer batchSize;

    @Override
    public Integer call() {
        if (iterations < 1 || warmup < 0) {
            throw new SinapseException("--iterations must be at least 1 and --warmup at least 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<String> all = new ArrayList<>(experiment.sets);
        if (data != null) {
            all.add("data.path=" + data.toAbsolutePath());
        }
        if (batchSize != null) {
            all.add("training.batch_size=" + batchSize);
        }
        if (threads != null) {
            Experiments.checkThreads(threads, "--threads");
        }
        Experiments.Loaded loaded = Experiments.load(experiment.config, all);
        int t = threads != null ? threads : loaded.experiment().getTraining().getThreads();
        if (t == 0) {
            t = Runtime.getRuntime().availableProcessors();
        }

        long t0 = System.nanoTime();
        Experiments.Split split = Experiments.split(Experiments.loadData(loaded).rows(), loaded.experiment().getData());
        double loadSeconds = (System.nanoTime() - t0) / 1e9;

        Injector injector = experiment.plugins.injector();
        Kernels kernels = injector.getInstance(Kernels.class);
        Trainer trainer = Trainer.create(loaded.experiment(), injector.getInstance(Registries.class), split, kernels, t);
        if (!experiment.kernel.equals("auto")) {
            trainer.useKernel(experiment.kernel, "--kernel");
        }
        BatchKernel kernel = trainer.kernel();
        Dataset train = split.train();
        int B = trainer.batchSize();
        boolean fullBatch = B == train.size();
        int steps = fullBatch ? 1 : trainer.batchesPerEpoch();
        out.printf(Locale.ROOT, "bench: %s, %d train rows, batch %s, %d thread(s), %s; data loaded in %.2f s%n",
                Describe.network(trainer.network()), train.size(), fullBatch ? "full" : String.valueOf(B), t,
                kernel, loadSeconds);
        out.flush();

        // the trainer's own step (weight decay, clipping, schedule as in training), over this bench's row order
        Rng shuffle = new Rng(loaded.experiment().getTraining().getSeed());
        int[] order = train.naturalOrder();
        double[] ms = new double[iterations];
        long heapPeak = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        for (int it = -warmup; it < iterations; it++) {
            if (!fullBatch) {
                shuffle.shuffle(order);
            }
            long s = System.nanoTime();
            for (int k = 0; k < steps; k++) {
                int from = k * B, to = Math.min(train.size(), from + B);
                trainer.step(order, from, to);
            }
            if (it >= 0) {
                ms[it] = (System.nanoTime() - s) / 1e6;
            }
            heapPeak = Math.max(heapPeak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        double samplesPerSecond = train.size() / (median / 1000);
        double gflops = flopsPerSample(trainer) * samplesPerSecond / 1e9;
        double peakMb = heapPeak / (1024.0 * 1024.0);
        double poolPeakMb = poolPeaks() / (1024.0 * 1024.0);
        Trainer.Evaluation tr = trainer.evaluate(train);
        Trainer.Evaluation dv = trainer.evaluate(split.dev());
        out.printf(Locale.ROOT, "timed %d iteration(s) after %d warm-up: median %.2f ms (min %.2f, max %.2f)%n",
                iterations, warmup, median, sorted[0], sorted[sorted.length - 1]);
        out.printf(Locale.ROOT, "%.0f samples/s, %.1f GFLOP/s (%.0f flop per sample)%n",
                samplesPerSecond, gflops, flopsPerSample(trainer));
        out.printf(Locale.ROOT, "heap: peak used %.0f MB (sampled after each iteration), pools' peaks sum to %.0f MB,"
                + " max heap %.0f MB%n", peakMb, poolPeakMb,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() / (1024.0 * 1024.0));
        // without a dev set, its accuracy is left out rather than printed as NaN
        boolean hasDev = dv.rows() > 0;
        out.printf(Locale.ROOT, "after %d steps: train accuracy %.4f%s%n", trainer.step(), tr.accuracy(),
                hasDev ? String.format(Locale.ROOT, ", dev accuracy %.4f", dv.accuracy()) : "");
        out.printf(Locale.ROOT, "bench: ms_per_iter=%.3f samples_per_s=%.0f threads=%d load_s=%.3f peak_heap_mb=%.0f"
                + " gflops=%.2f batch=%s kernel=%s steps=%d train_acc=%.4f%s%n",
                median, samplesPerSecond, t, loadSeconds, peakMb, gflops, fullBatch ? "full" : String.valueOf(B),
                kernel.name(), trainer.step(), tr.accuracy(),
                hasDev ? String.format(Locale.ROOT, " dev_acc=%.4f", dv.accuracy()) : "");
        out.flush();
        return 0;
    }

    /** Multiply-adds of a training step per row, counted as 2 flops: forward, dW, and dX except for the first layer. */
    static double flopsPerSample(Trainer trainer) {
        double flops = 0;
        boolean first = true;
        for (Layer l : trainer.network().layers()) {
            for (Param p : l.params()) {
                if (p.value().rows() > 1 && p.decays()) {
                    double mn = (double) p.value().rows() * p.value().cols();
                    flops += 2 * mn * (first ? 2 : 3);
                    first = false;
                }
            }
        }
        return flops;
    }

    /** The sum of the heap pools' peak usage since start (an upper bound on the peak of the whole heap). */
    private static long poolPeaks() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
