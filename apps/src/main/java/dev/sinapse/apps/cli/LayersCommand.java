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
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists every registered type by kind, with its options: what a config may name. */
@Command(name = "layers", description = "List every registered layer, activation, loss, initializer, optimizer, schedule and batch kernel.")
public final class LayersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PluginsOption plugins;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Injector injector = plugins.injector();
        Registries r = injector.getInstance(Registries.class);
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
