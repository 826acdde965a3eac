package dev.sinapse.apps.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The experiment a command runs, train's and bench's alike: a config file (or the bundled article) and overrides. */
final class ExperimentOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "Experiment file (.textproto or .json). Default: the bundled article config.")
    Path config;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Override a config field, e.g. training.epochs=50 or optimizer.learning_rate=0.05. Repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--kernel", paramLabel = "K", description = "Batch kernel by name (the layers command lists them), or auto (default ${DEFAULT-VALUE}: the fastest that can run the network). With train --resume, this switches a run to another kernel (the continuation then matches to float rounding, not bitwise).")
    String kernel = "auto";

    @Mixin
    PluginsOption plugins;
}
