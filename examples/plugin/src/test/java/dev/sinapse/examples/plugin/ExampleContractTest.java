package dev.sinapse.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.testkit.ContractTest;
import org.junit.jupiter.api.Test;

/**
 * The kit's contract over this plug-in's types, found as sinapse.jar finds them: through the services file naming
 * {@link ExampleModule}. Gradient, save and restore, and a bitwise continuation after a restore, with no test code.
 */
class ExampleContractTest extends ContractTest {

    @Test
    void theServicesFileRegistersBothTypes() {
        assertThat(checked().layers().entries()).containsOnlyKeys("scale");
        assertThat(checked().activations().entries()).containsOnlyKeys("softsign");
    }
}
