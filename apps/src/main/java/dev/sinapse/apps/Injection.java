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
import java.util.ServiceLoader;

/**
 * The one place an Injector is made: the built-in modules plus every plug-in module found on the class path
 * through {@link ServiceLoader} ({@code META-INF/services/com.google.inject.Module}).
 */
public final class Injection {
    private Injection() {
    }

    public static Injector create() {
        List<Module> modules = new ArrayList<>(List.of(new CoreModule(), new LayersModule(), new OptimizersModule(), new KernelsModule(),
                new OnnxModule()));
        for (Module plugin : ServiceLoader.load(Module.class)) {
            modules.add(plugin);
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
