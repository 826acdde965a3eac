package dev.sinapse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryTest {
    private final Registry<String> r = new Registry<>("layer", Map.of("dense", "D", "relu", "R", "softmax", "S"));

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

    @Test
    void specParsesNameAndOptions() {
        Spec s = Spec.parse(" uniform(low=-0.5, high = 0.5) ", "init");
        assertThat(s.type()).isEqualTo("uniform");
        assertThat(s.options().getDouble("low", 0)).isEqualTo(-0.5);
        assertThat(s.options().getDouble("high", 0)).isEqualTo(0.5);
        assertThat(Spec.parse("he", "init").options().asMap()).isEmpty();
        assertThatThrownBy(() -> Spec.parse("uniform(low", "init")).hasMessageContaining("missing ')'");
    }

    @Test
    void unusedOptionIsRejectedWithTheKnownOnes() {
        Options o = new Options("layer 'h' (dense)", Map.of("unit", "10"));
        o.getInt("units", 1);
        assertThatThrownBy(o::requireAllUsed)
                .hasMessage("layer 'h' (dense): unknown option 'unit' (did you mean 'units'?); known options: units");
    }

    @Test
    void badNumberNamesTheOption() {
        Options o = new Options("layer 'h' (dense)", Map.of("units", "ten"));
        assertThatThrownBy(() -> o.getPositiveInt("units", 1))
                .hasMessage("layer 'h' (dense): option 'units' must be an integer, got 'ten'");
    }
}
