package dev.sinapse.apps.cli;

import com.google.inject.Injector;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.InitializerFactory;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.LossFactory;
import dev.sinapse.api.OptimizerFactory;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Registry;
import dev.sinapse.api.ScheduleFactory;
import dev.sinapse.kernels.KernelFactory;
import dev.sinapse.api.Network;
import dev.sinapse.api.Rng;
import dev.sinapse.apps.inference.Models;
import dev.sinapse.apps.report.Describe;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.proto.Experiment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists every registered type by kind, with its options: what a config may name. */
@Command(name = "layers", description = "List every registered layer, activation, loss, initializer, optimizer, schedule and batch kernel;"
        + " with --config, the network of a config instead, layer by layer with its output shape.")
public final class LayersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PluginsOption plugins;
    @Option(names = "--config", paramLabel = "FILE", description = "Show this experiment's network: each layer's type, output shape, parameters and forward FLOPs per sample.")
    Path config;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Override a config field (with --config). Repeatable.")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Injector injector = plugins.injector();
        Registries r = injector.getInstance(Registries.class);
        if (config != null) {
            Experiment e = Experiments.load(config, sets).experiment();
            Network net = Models.build(e, r, new Rng(0));
            Describe.table(net, e.getNetwork().getLayersList()).forEach(out::println);
            out.flush();
            return 0;
        }
        section(out, "layers", r.layers(), LayerFactory::help);
        section(out, "activations (usable as layers)", r.activations(), ActivationFactory::help);
        section(out, "losses", r.losses(), LossFactory::help);
        section(out, "initializers", r.initializers(), InitializerFactory::help);
        section(out, "optimizers", r.optimizers(), OptimizerFactory::help);
        section(out, "schedules", r.schedules(), ScheduleFactory::help);
        section(out, "batch kernels (train/bench --kernel; by default the fastest that can run the network)",
                r.of(KernelFactory.class), KernelFactory::help);
        out.flush();
        return 0;
    }

    private static <T> void section(PrintWriter out, String title, Registry<T> reg, Function<T, String> help) {
        out.println(title + ":");
        int w = reg.entries().keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, T> e : reg.entries().entrySet()) {
            String h = help.apply(e.getValue());
            out.println("  " + e.getKey() + (h.isEmpty() ? "" : " ".repeat(w - e.getKey().length() + 2) + h));
        }
        out.println();
    }
}
