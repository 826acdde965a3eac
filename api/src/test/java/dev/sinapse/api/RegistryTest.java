package dev.sinapse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryTest {
    private final Registry<String> r = new Registry<>("layer", String.class, Map.of("dense", "D", "relu", "R", "softmax", "S"));

    @Test
    void unknownKeyNamesThePlaceTheKnownKeysAndTheClosest() {
        assertThatThrownBy(() -> r.get("dens", "network.layers[0].type"))
                .isInstanceOf(SinapseException.class)
                .hasMessage("network.layers[0].type: unknown type 'dens' (did you mean 'dense'?); known types: dense, relu, softmax");
    }

    @Test
    void aMissingLetterBeatsAChangedOne() {
        assertThat(Registry.closest("unit", java.util.List.of("init", "units", "bias_init"))).isEqualTo("units");
        assertThat(Registry.closest("dens", java.util.List.of("dense", "tanh"))).isEqualTo("dense");
    }

    @Test
    void farOffKeyGetsNoSuggestion() {
        assertThatThrownBy(() -> r.get("convolution", "x"))
                .hasMessage("x: unknown type 'convolution'; known types: dense, relu, softmax");
    }
}
