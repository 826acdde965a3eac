package dev.sinapse.api;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every registry, by the type of its entries: {@code of(LayerFactory.class)}. It holds whatever kinds the Guice
 * modules declared, so a module that brings a kind of its own (kernels' KernelFactory) needs no edit here. Built once
 * in apps; passed to whoever builds from a config.
 */
public final class Registries {
    /**
     * The api's own kinds, by the name messages use for them, in the order they are listed: what apps declares (each
     * an empty registry when no module contributes), and what a test kit reads from a plug-in's modules alone.
     */
    public static final Map<String, Class<?>> API_KINDS = apiKinds();

    private final Map<Class<?>, Registry<?>> byType;

    private Registries(Map<Class<?>, Registry<?>> byType) {
        this.byType = byType;
    }

    /**
     * The registries, in the given order. Fails if two have the same type, or if a key is both a layer and an
     * activation (a config's {@code type: "relu"} could then mean either).
     */
    public static Registries from(Collection<? extends Registry<?>> registries) {
        Map<Class<?>, Registry<?>> byType = new LinkedHashMap<>();
        for (Registry<?> r : registries) {
            Registry<?> before = byType.putIfAbsent(r.type(), r);
            if (before != null) {
                throw new IllegalStateException("two registries of " + r.type().getSimpleName() + ": '"
                        + before.kind() + "' and '" + r.kind() + "'");
            }
        }
        Registry<?> layers = byType.get(LayerFactory.class), activations = byType.get(ActivationFactory.class);
        if (layers != null && activations != null) {
            for (String key : activations.entries().keySet()) {
                if (layers.entries().containsKey(key)) {
                    throw new IllegalStateException("'" + key + "' is registered both as a layer and as an activation");
                }
            }
        }
        return new Registries(byType);
    }

    /** The same registries, each with {@code hint} ending its unknown-type messages ({@link Registry#withHint}). */
    public Registries withHint(String hint) {
        return from(byType.values().stream().<Registry<?>>map(r -> r.withHint(hint)).toList());
    }

    /** The registry whose entries are {@code type}s; fails, naming the kinds there are, if no module declared it. */
    @SuppressWarnings("unchecked") // from() files each registry under its own type
    public <T> Registry<T> of(Class<T> type) {
        Registry<?> r = byType.get(type);
        if (r == null) {
            throw new IllegalStateException("no registry of " + type.getSimpleName() + " was declared; there are: "
                    + byType.values().stream().map(Registry::kind).collect(Collectors.joining(", ")));
        }
        return (Registry<T>) r;
    }

    private static Map<String, Class<?>> apiKinds() {
        Map<String, Class<?>> kinds = new LinkedHashMap<>();
        kinds.put("layer", LayerFactory.class);
        kinds.put("activation", ActivationFactory.class);
        kinds.put("loss", LossFactory.class);
        kinds.put("initializer", InitializerFactory.class);
        kinds.put("optimizer", OptimizerFactory.class);
        kinds.put("schedule", ScheduleFactory.class);
        return java.util.Collections.unmodifiableMap(kinds);
    }

    /** Every registry, in the order they were declared. */
    public List<Registry<?>> all() {
        return List.copyOf(byType.values());
    }

    // the api's own kinds by name, for readable call sites; a kind from elsewhere is of(ItsFactory.class)

    public Registry<LayerFactory> layers() {
        return of(LayerFactory.class);
    }

    public Registry<ActivationFactory> activations() {
        return of(ActivationFactory.class);
    }

    public Registry<LossFactory> losses() {
        return of(LossFactory.class);
    }

    public Registry<InitializerFactory> initializers() {
        return of(InitializerFactory.class);
    }

    public Registry<OptimizerFactory> optimizers() {
        return of(OptimizerFactory.class);
    }

    public Registry<ScheduleFactory> schedules() {
        return of(ScheduleFactory.class);
    }
}
