package dev.sinapse.apps;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import dev.sinapse.api.Registries;
import dev.sinapse.api.SinapseException;
import dev.sinapse.kernels.Kernels;
import dev.sinapse.kernels.KernelsModule;
import dev.sinapse.layers.LayersModule;
import dev.sinapse.onnx.OnnxModule;
import dev.sinapse.optimizers.OptimizersModule;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The one place an Injector is made: the built-in modules plus every plug-in module that {@link ServiceLoader}
 * finds ({@code META-INF/services/com.google.inject.Module}) on the class path or in the jars of the plug-in path
 * ({@link PluginPath}).
 */
public final class Injection {
    private Injection() {
    }

    /** With the standard plug-in path: {@value PluginPath#ENV} and {@code ./plugins}. */
    public static Injector create() {
        return create(PluginPath.standard());
    }

    public static Injector create(PluginPath plugins) {
        List<Module> modules = new ArrayList<>(List.of(new CoreModule(plugins.hint()), new LayersModule(), new OptimizersModule(),
                new KernelsModule(), new OnnxModule()));
        // over the context class loader, as ServiceLoader.load(Module.class) looks, so a program embedding Sinapse can add its own
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        try {
            for (Module plugin : ServiceLoader.load(Module.class, plugins.loader(context != null ? context : Injection.class.getClassLoader()))) {
                modules.add(plugin);
            }
        } catch (ServiceConfigurationError e) {
            // a services file naming a class its jar lacks, or one that is not a Module
            throw new SinapseException("cannot load a plug-in: " + e.getMessage() + " (plug-in path: " + plugins.jars() + ")");
        }
        try {
            return Guice.createInjector(modules);
        } catch (CreationException e) {
            // the usual cause: two modules bound the same key ("dense" twice)
            String first = e.getErrorMessages().isEmpty() ? e.getMessage()
                    : e.getErrorMessages().iterator().next().getMessage();
            throw new SinapseException("cannot start: " + first.lines().findFirst().orElse(first));
        }
    }

    public static Registries registries() {
        return create().getInstance(Registries.class);
    }

    public static Kernels kernels() {
        return create().getInstance(Kernels.class);
    }
}
