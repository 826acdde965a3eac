package dev.sinapse.apps;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.InitializerFactory;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.LossFactory;
import dev.sinapse.api.OptimizerFactory;
import dev.sinapse.api.Registries;
import dev.sinapse.api.ScheduleFactory;
import java.util.Map;

/**
 * Declares the six registries (so a kind nobody contributes to is an empty map, not a missing binding) and
 * gathers them into {@link Registries}. The layer and optimizer modules, and plug-ins, add the entries.
 */
final class CoreModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, LayerFactory.class);
        MapBinder.newMapBinder(binder(), String.class, ActivationFactory.class);
        MapBinder.newMapBinder(binder(), String.class, LossFactory.class);
        MapBinder.newMapBinder(binder(), String.class, InitializerFactory.class);
        MapBinder.newMapBinder(binder(), String.class, OptimizerFactory.class);
        MapBinder.newMapBinder(binder(), String.class, ScheduleFactory.class);
    }

    @Provides
    @Singleton
    Registries registries(Map<String, LayerFactory> layers, Map<String, ActivationFactory> activations,
            Map<String, LossFactory> losses, Map<String, InitializerFactory> initializers,
            Map<String, OptimizerFactory> optimizers, Map<String, ScheduleFactory> schedules) {
        return Registries.of(layers, activations, losses, initializers, optimizers, schedules);
    }
}
