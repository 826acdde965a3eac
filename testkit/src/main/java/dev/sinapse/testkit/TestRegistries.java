package dev.sinapse.testkit;

import com.google.inject.Binding;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.util.Types;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Registry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Registries made from some Guice modules alone, for tests: the api's kinds ({@link Registries#API_KINDS}) filled
 * with whatever the modules bind, each empty when none does. The command line adds its built-in modules and a
 * kind or two of its own; a plug-in's test has only the plug-in's modules and the ones it names.
 */
public final class TestRegistries {
    private TestRegistries() {
    }

    /** The registries of these modules. */
    public static Registries of(List<? extends Module> modules) {
        Injector injector = Guice.createInjector(modules);
        List<Registry<?>> registries = new ArrayList<>();
        Registries.API_KINDS.forEach((kind, type) -> registries.add(registry(injector, kind, type)));
        return Registries.from(registries);
    }

    public static Registries of(Module... modules) {
        return of(List.of(modules));
    }

    /** Every module {@link ServiceLoader} finds on the class path ({@code META-INF/services/com.google.inject.Module}). */
    public static List<Module> onClassPath() {
        List<Module> modules = new ArrayList<>();
        ServiceLoader.load(Module.class).forEach(modules::add);
        return modules;
    }

    @SuppressWarnings("unchecked") // the key MapBinder binds: Map<String, type>
    private static <T> Registry<T> registry(Injector injector, String kind, Class<T> type) {
        Key<Map<String, T>> key = (Key<Map<String, T>>) Key.get(Types.mapOf(String.class, type));
        Binding<Map<String, T>> bound = injector.getExistingBinding(key);
        return new Registry<>(kind, type, bound == null ? Map.of() : bound.getProvider().get());
    }
}
