package dev.sinapse.apps;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Registries;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train [--config FILE] [--set k=v]...}: with no config, the tutorial's experiment on the bundled digits. */
@Command(name = "train", description = "Train a network described by a config file (default: the article's network on the bundled MNIST sample).")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Experiment file (.textproto or .json). Default: the bundled article config.")
    Path config;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Override a config field, e.g. training.epochs=50 or optimizer.learning_rate=0.05. Repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--quiet", description = "Print only the final result.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Experiments.Loaded loaded = Experiments.load(config, sets);
        Registries registries = Injection.registries();
        long t0 = System.nanoTime();
        Dataset all = Experiments.loadData(loaded);
        Experiments.Split split = Experiments.split(all, loaded.experiment().getData());
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        Trainer trainer = Trainer.create(loaded.experiment(), registries, split, Compute.serial());
        if (!quiet) {
            out.printf(Locale.ROOT, "sinapse: %s from %s; %d train rows, %d dev rows from %s (loaded in %.2f s)%n",
                    name(loaded), loaded.source(), split.train().size(), split.dev().size(), all.source(), loadSeconds);
            out.printf(Locale.ROOT, "network: %s; %d parameters; %d epochs of %d steps (batch %d)%n",
                    Describe.network(trainer.network()), Describe.parameterCount(trainer.network()),
                    trainer.totalEpochs(), trainer.batchesPerEpoch(), trainer.batchSize());
            out.flush();
        }
        Trainer.Listener reporter = quiet ? new Trainer.Listener() { } : new ConsoleReporter(out);
        trainer.run(reporter, () -> false);
        Trainer.Evaluation tr = trainer.evaluate(split.train());
        Trainer.Evaluation dv = trainer.evaluate(split.dev());
        out.printf(Locale.ROOT, "done: train accuracy %.4f, dev accuracy %.4f, %d steps in %.1f s%n",
                tr.accuracy(), dv.accuracy(), trainer.step(), trainer.elapsedBefore);
        out.flush();
        return 0;
    }

    private static String name(Experiments.Loaded l) {
        String n = l.experiment().getName();
        return n.isEmpty() ? "experiment" : "'" + n + "'";
    }
}
