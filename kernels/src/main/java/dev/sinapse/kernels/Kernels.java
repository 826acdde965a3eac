package dev.sinapse.kernels;

import dev.sinapse.api.Loss;
import dev.sinapse.api.Network;
import dev.sinapse.api.Registry;
import dev.sinapse.api.SinapseException;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The one chooser of batch kernels, for training, benchmarks and inference alike: the highest-priority factory
 * that accepts the network, or the one a run or a user names.
 */
public final class Kernels {
    private final Registry<KernelFactory> factories;

    @Inject
    public Kernels(Registry<KernelFactory> factories) {
        this.factories = factories;
    }

    /** Every bound factory by key. */
    public SortedMap<String, KernelFactory> factories() {
        return factories.entries();
    }

    /** The fastest kernel that can run {@code network} with {@code loss}: the highest priority that accepts it. */
    public BatchKernel choose(Network network, Loss loss, int threads) {
        List<Map.Entry<String, KernelFactory>> byPriority = new ArrayList<>(factories.entries().entrySet());
        byPriority.sort(Comparator.comparingInt((Map.Entry<String, KernelFactory> e) -> -e.getValue().priority()));
        for (Map.Entry<String, KernelFactory> e : byPriority) {
            Optional<BatchKernel> k = e.getValue().create(network, loss, threads);
            if (k.isPresent()) {
                return checked(e.getKey(), k.get());
            }
        }
        throw new SinapseException("no kernel can run this network (known kernels: "
                + String.join(", ", factories.entries().keySet()) + ")");
    }

    /**
     * The kernel bound as {@code name}, if it can run {@code network}; empty if it cannot (on this network, this CPU
     * or this Java). An unknown name fails with the known ones, as an unknown layer type does.
     */
    public Optional<BatchKernel> named(String name, Network network, Loss loss, int threads, String where) {
        KernelFactory f = factories.get(name, where);
        return f.create(network, loss, threads).map(k -> checked(name, k));
    }

    private static BatchKernel checked(String key, BatchKernel k) {
        if (!k.name().equals(key)) {
            throw new IllegalStateException("the kernel bound as '" + key + "' calls itself '" + k.name() + "'");
        }
        return k;
    }
}
