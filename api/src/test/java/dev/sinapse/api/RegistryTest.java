package dev.sinapse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryTest {
    private final Registry<String> r = new Registry<>("layer", String.class, Map.of("dense", "D", "relu", "R", "softmax", "S"));

    @Test
    void unknownKeyNamesThePlaceTheKindTheInstalledKeysTheClosestAndWherePluginsComeFrom() {
        assertThatThrownBy(() -> r.get("dens", "network.layers[0].type"))
                .isInstanceOf(SinapseException.class)
                .hasMessage("network.layers[0].type: unknown layer 'dens' (did you mean 'dense'?); installed: dense, relu, softmax; "
                        + Registry.PLUGIN_HINT);
    }

    @Test
    void aHintGivenByTheProgramEndsTheMessageInstead() {
        Registry<String> hinted = r.withHint("plug-ins come from ./plugins");

        assertThat(hinted.entries()).isEqualTo(r.entries());
        assertThatThrownBy(() -> hinted.get("square", "x.ckpt: network.layers[1].type"))
                .hasMessage("x.ckpt: network.layers[1].type: unknown layer 'square'; installed: dense, relu, softmax; "
                        + "plug-ins come from ./plugins");
    }

    @Test
    void aMissingLetterBeatsAChangedOne() {
        assertThat(Registry.closest("unit", java.util.List.of("init", "units", "bias_init"))).isEqualTo("units");
        assertThat(Registry.closest("dens", java.util.List.of("dense", "tanh"))).isEqualTo("dense");
    }

    @Test
    void farOffKeyGetsNoSuggestion() {
        assertThatThrownBy(() -> r.get("convolution", "x"))
                .hasMessage("x: unknown layer 'convolution'; installed: dense, relu, softmax; " + Registry.PLUGIN_HINT);
    }
}
