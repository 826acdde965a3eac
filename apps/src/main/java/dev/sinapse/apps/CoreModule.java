package dev.sinapse.apps;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Provider;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.util.Types;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Registry;
import java.util.Map;
import java.util.Set;

/**
 * Declares the api's six kinds (so a kind nobody contributes to is an empty map, not a missing binding) and
 * gathers every declared {@code Registry<?>} into {@link Registries}. The layer and optimizer modules, and
 * plug-ins, add the entries; a module with a kind of its own adds its registry to the same set (KernelsModule).
 */
final class CoreModule extends AbstractModule {
    private final String unknownTypeHint;

    /** {@code unknownTypeHint} ends every unknown-type message: where plug-ins come from ({@link PluginPath#hint()}). */
    CoreModule(String unknownTypeHint) {
        this.unknownTypeHint = unknownTypeHint;
    }

    @Override
    protected void configure() {
        Registries.API_KINDS.forEach(this::declare);
    }

    /** The map of {@code type}s by key, and its registry among the ones {@link #registries} gathers. */
    private <T> void declare(String kind, Class<T> type) {
        MapBinder.newMapBinder(binder(), String.class, type);
        @SuppressWarnings("unchecked") // the key MapBinder binds: Map<String, type>
        Key<Map<String, T>> map = (Key<Map<String, T>>) Key.get(Types.mapOf(String.class, type));
        Provider<Map<String, T>> entries = getProvider(map);
        Multibinder.newSetBinder(binder(), new TypeLiteral<Registry<?>>() {}).addBinding()
                .toProvider(() -> new Registry<>(kind, type, entries.get()));
    }

    @Provides
    @Singleton
    Registries registries(Set<Registry<?>> registries) {
        return Registries.from(registries).withHint(unknownTypeHint);
    }
}
