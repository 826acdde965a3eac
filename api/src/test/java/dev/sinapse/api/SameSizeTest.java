package dev.sinapse.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SameSizeTest {
    @Test
    void nameAndBothWidthsComeFromTheId() {
        Layer layer = new Identity(new SameSize.Id("hidden_act", 7));

        assertThat(layer.name()).isEqualTo("hidden_act");
        assertThat(layer.inputSize()).isEqualTo(7);
        assertThat(layer.outputSize()).isEqualTo(7);
        assertThat(layer.params()).isEmpty();
    }
}
