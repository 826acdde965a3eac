package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.Affine;
import dev.sinapse.api.Elementwise;
import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Compute;
import dev.sinapse.api.SinapseException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** dense's {@code activation} option: the same network as a dense entry followed by the activation's entry. */
class DenseActivationTest {

    private static Network shorthand(long seed) {
        return Fixtures.network(6, List.of(
                new LayerSpec("dense", "hidden", Map.of("units", "5", "activation", "tanh")),
                new LayerSpec("dense", "output", Map.of("units", "3", "activation", "relu"))), seed);
    }

    private static Network longhand(long seed) {
        return Fixtures.network(6, List.of(
                new LayerSpec("dense", "hidden", Map.of("units", "5")),
                new LayerSpec("tanh", "hidden.tanh", Map.of()),
                new LayerSpec("dense", "output", Map.of("units", "3")),
                new LayerSpec("relu", "output.relu", Map.of())), seed);
    }

    @Test
    void theOptionGivesTheTwoLayerNetworkWithTheSameNamesWeightsAndOutputs() {
        Network a = shorthand(7), b = longhand(7);
        assertThat(a.layers()).extracting(Layer::name).containsExactly("hidden", "hidden.tanh", "output", "output.relu");
        assertThat(a.layers().get(0)).isInstanceOf(Affine.class);
        assertThat(a.layers().get(1)).isInstanceOf(Elementwise.class);
        assertThat(a.params()).extracting(Param::name).containsExactly("hidden.W", "hidden.b", "output.W", "output.b");
        for (int i = 0; i < a.params().size(); i++) {
            assertThat(a.params().get(i).value().data()).containsExactly(b.params().get(i).value().data());
        }
        Matrix X = new Matrix(2, 6);
        for (int i = 0; i < 12; i++) {
            X.data()[i] = (i - 6) * 0.3f;
        }
        float[] ya = a.forward(X, Pass.inference(Compute.serial())).data();
        float[] yb = b.forward(X, Pass.inference(Compute.serial())).data();
        assertThat(ya).containsExactly(yb);
        // the relu really runs: no negative output survives
        for (float v : ya) {
            assertThat(v).isGreaterThanOrEqualTo(0f);
        }
    }

    @Test
    void anUnknownActivationIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> Fixtures.network(4, List.of(
                new LayerSpec("dense", "hidden", Map.of("units", "3", "activation", "rellu"))), 0))
                .isInstanceOf(SinapseException.class)
                .hasMessageContaining("network.layers[0].options.activation")
                .hasMessageContaining("relu");
    }

    @Test
    void aLayerThatIsNotAffineRefusesTheOption() {
        assertThatThrownBy(() -> Fixtures.network(4, List.of(
                new LayerSpec("dropout", "drop", Map.of("activation", "relu"))), 0))
                .isInstanceOf(SinapseException.class)
                .hasMessageContaining("layer 'drop' (dropout): option 'activation' is for affine layers");
    }

    @Test
    void theActivationsNameMayNotCollideWithAnotherLayer() {
        assertThatThrownBy(() -> Fixtures.network(4, List.of(
                new LayerSpec("dense", "hidden", Map.of("units", "3", "activation", "relu")),
                new LayerSpec("relu", "hidden.relu", Map.of())), 0))
                .isInstanceOf(SinapseException.class)
                .hasMessageContaining("'hidden.relu' is used twice");
    }
}
