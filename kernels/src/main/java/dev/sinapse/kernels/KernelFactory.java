package dev.sinapse.kernels;

import dev.sinapse.api.Loss;
import dev.sinapse.api.Network;
import java.util.Optional;

/**
 * Makes a {@link BatchKernel} for the networks it can run, bound by its short key in a Guice {@code MapBinder}
 * like the layers (a plug-in module can add one). A factory decides from the api roles of the layers and the
 * loss ({@link dev.sinapse.api.Affine}, {@link dev.sinapse.api.Elementwise}, {@link dev.sinapse.api.SoftmaxOutput},
 * {@link dev.sinapse.api.CrossEntropyLoss}), never from config strings.
 */
public interface KernelFactory {
    /** When several factories accept a network, the highest priority runs it. The layer-by-layer kernels are 0 and 1. */
    int priority();

    /** A kernel for {@code network} trained with {@code loss} on {@code threads} threads, or empty if it cannot run it. */
    Optional<BatchKernel> create(Network network, Loss loss, int threads);

    /** One line for listings: which networks it runs, and what it needs. */
    String help();
}
