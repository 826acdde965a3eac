package dev.sinapse.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Registry;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KernelsModuleTest {
    private final Injector injector = Guice.createInjector(new KernelsModule());

    @Test
    void bindsEveryKernelByTheNameCheckpointsRecord() {
        assertThat(injector.getInstance(Kernels.class).factories())
                .containsOnlyKeys(LayerByLayerKernel.NAME, LayerByLayerKernel.VECTOR_NAME, FusedMlpKernel.NAME,
                        FusedMlpKernel.VECTOR_NAME);
    }

    @Test
    void declaresTheKernelKindForRegistriesWithNoApiEdit() {
        Set<Registry<?>> declared = injector.getInstance(Key.get(new TypeLiteral<Set<Registry<?>>>() {}));
        Registry<KernelFactory> kernels = Registries.from(declared).of(KernelFactory.class);

        assertThat(kernels.kind()).isEqualTo("kernel");
        assertThat(kernels).isSameAs(injector.getInstance(Key.get(new TypeLiteral<Registry<KernelFactory>>() {})));
        assertThat(kernels.entries().keySet()).isEqualTo(injector.getInstance(Kernels.class).factories().keySet());
    }
}
