package dev.sinapse.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Registries;
import dev.sinapse.api.Registry;
import dev.sinapse.kernels.KernelFactory;
import org.junit.jupiter.api.Test;

class InjectionTest {
    @Test
    void registriesHoldTheApisKindsAndTheKernelsModulesOwn() {
        Registries r = Injection.registries();

        assertThat(r.all()).extracting(Registry::kind)
                .containsExactly("layer", "activation", "loss", "initializer", "optimizer", "schedule", "kernel");
        assertThat(r.of(KernelFactory.class).entries().keySet())
                .isEqualTo(Injection.kernels().factories().keySet())
                .contains("layers", "fused");
    }
}
