package dev.sinapse.api;

import java.util.List;
import java.util.Map;

/** Every registry, as the Guice modules filled them. Built once in apps; passed to whoever builds from a config. */
public record Registries(
        Registry<LayerFactory> layers,
        Registry<ActivationFactory> activations,
        Registry<LossFactory> losses,
        Registry<InitializerFactory> initializers,
        Registry<OptimizerFactory> optimizers,
        Registry<ScheduleFactory> schedules) {

    public static Registries of(Map<String, LayerFactory> layers, Map<String, ActivationFactory> activations,
            Map<String, LossFactory> losses, Map<String, InitializerFactory> initializers,
            Map<String, OptimizerFactory> optimizers, Map<String, ScheduleFactory> schedules) {
        for (String key : activations.keySet()) {
            if (layers.containsKey(key)) {
                throw new IllegalStateException("'" + key + "' is registered both as a layer and as an activation");
            }
        }
        return new Registries(new Registry<>("layer", layers), new Registry<>("activation", activations),
                new Registry<>("loss", losses), new Registry<>("initializer", initializers),
                new Registry<>("optimizer", optimizers), new Registry<>("schedule", schedules));
    }

    public List<Registry<?>> all() {
        return List.of(layers, activations, losses, initializers, optimizers, schedules);
    }
}
