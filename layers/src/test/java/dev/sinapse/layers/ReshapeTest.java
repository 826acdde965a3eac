package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Rng;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReshapeTest {

    @Test
    void changesOnlyTheDeclaredShapeAndMovesNoValue() {
        Layer reshape = Fixtures.layer("reshape", 12, Map.of("shape", "3,2,2"), 0);
        Matrix X = Matrix.of(1, 12, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        Pass pass = Pass.training(Compute.serial(), new Rng(0));

        assertThat(reshape.outputShape()).containsExactly(3, 2, 2);
        assertThat(reshape.forward(X, pass)).isEqualTo(X);
        assertThat(reshape.backward(X, pass)).isEqualTo(X);
    }

    @Test
    void shapesFlowThroughTheNetworkAndActivationsKeepThem() {
        Network net = new NetworkBuilder(Fixtures.registries()).build(784, List.of(
                new LayerSpec("reshape", "image", Map.of("shape", "1x28x28")),
                new LayerSpec("conv2d", "conv", Map.of("filters", "6", "kernel_size", "5", "padding", "2")),
                new LayerSpec("relu", "", Map.of()),
                new LayerSpec("dropout", "", Map.of()),
                new LayerSpec("max_pool", "", Map.of()),
                new LayerSpec("flatten", "", Map.of()),
                new LayerSpec("dense", "", Map.of("units", "10"))), new Rng(0));

        assertThat(net.layers()).extracting(l -> dev.sinapse.api.Shapes.format(l.outputShape()))
                .containsExactly("1x28x28", "6x28x28", "6x28x28", "6x28x28", "6x14x14", "1176", "10");
    }

    @Test
    void aShapeOfAnotherSizeIsRefusedWithBothSizes() {
        assertThatThrownBy(() -> Fixtures.layer("reshape", 784, Map.of("shape", "1,27,28"), 0))
                .hasMessageContaining("layer 't' (reshape): option 'shape' '1,27,28' holds 756 values, but the layer before gives 784");
        assertThatThrownBy(() -> Fixtures.layer("reshape", 784, Map.of("shape", "28,28"), 0))
                .hasMessageContaining("must be one positive number or three");
        assertThatThrownBy(() -> Fixtures.layer("reshape", 784, Map.of(), 0))
                .hasMessageContaining("option 'shape' is required");
    }
}
