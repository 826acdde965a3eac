package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.InitializerFactory;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.LossFactory;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Registry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayersModuleTest {
    private final Injector injector = Guice.createInjector(new LayersModule());

    @Test
    void bindsEveryLayerActivationLossAndInitializerByItsKey() {
        assertThat(injector.getInstance(Key.get(new TypeLiteral<Map<String, LayerFactory>>() {})))
                .containsOnlyKeys("dense", "softmax", "dropout", "batch_norm", "flatten", "reshape", "conv2d", "max_pool", "avg_pool");
        assertThat(injector.getInstance(Key.get(new TypeLiteral<Map<String, ActivationFactory>>() {})))
                .containsOnlyKeys("relu", "leaky_relu", "sigmoid", "tanh");
        assertThat(injector.getInstance(Key.get(new TypeLiteral<Map<String, LossFactory>>() {})))
                .containsOnlyKeys("cross_entropy", "mse");
        assertThat(injector.getInstance(Key.get(new TypeLiteral<Map<String, InitializerFactory>>() {})))
                .containsOnlyKeys("uniform", "normal", "he", "xavier", "zeros");
    }

    @Test
    void everyEntryHasAOneLineHelp() {
        Registries registries = Fixtures.registries();
        for (Registry<?> registry : registries.all()) {
            for (Map.Entry<String, ?> e : registry.entries().entrySet()) {
                String help = helpOf(e.getValue());
                assertThat(help).as("%s '%s' help", registry.kind(), e.getKey()).isNotBlank().doesNotContain("\n");
            }
        }
        assertThat(registries.layers().entries().get("dense").help()).contains("units").contains("he").contains("zeros");
    }

    private static String helpOf(Object factory) {
        if (factory instanceof LayerFactory f) {
            return f.help();
        }
        if (factory instanceof ActivationFactory f) {
            return f.help();
        }
        if (factory instanceof LossFactory f) {
            return f.help();
        }
        return ((InitializerFactory) factory).help();
    }
}
