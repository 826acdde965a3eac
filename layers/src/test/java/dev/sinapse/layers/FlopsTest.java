package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Network;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Forward FLOPs per sample, against counts made by hand from the rule in docs/summary.md: a multiply-add is two,
 * an activation one per value, softmax five per value, batch_norm four, dropout and flatten none.
 */
class FlopsTest {

    @Test
    void eachLayerCountsItsOwnArithmetic() {
        Network n = Fixtures.network(3, List.of(
                new LayerSpec("flatten", "flat", Map.of()),
                new LayerSpec("dense", "hidden", Map.of("units", "2")),
                new LayerSpec("batch_norm", "bn", Map.of()),
                new LayerSpec("relu", "relu", Map.of()),
                new LayerSpec("dropout", "drop", Map.of("rate", "0.5")),
                new LayerSpec("dense", "output", Map.of("units", "4")),
                new LayerSpec("softmax", "softmax", Map.of())), 0);
        // hidden: 2 units × (3 multiplies + 3 adds, counted 2·3) + 2 biases = 14; output: 4 × 2·2 + 4 = 20
        assertThat(n.layers()).extracting(Layer::forwardFlopsPerSample)
                .containsExactly(0L, 14L, 8L, 2L, 0L, 20L, 20L);
    }

    @Test
    void theArticleNetworkIsFifteenThousandSevenHundredAndFortyFlopsBySumming() {
        Network n = Fixtures.network(784, List.of(
                new LayerSpec("dense", "hidden", Map.of("units", "10", "activation", "relu")),
                new LayerSpec("dense", "output", Map.of("units", "10")),
                new LayerSpec("softmax", "softmax", Map.of())), 0);
        long total = n.layers().stream().mapToLong(Layer::forwardFlopsPerSample).sum();
        // 784·10 multiply-adds = 15,680 FLOPs + 10 biases; 10 relus; 10·10·2 + 10; softmax 5·10
        assertThat(total).isEqualTo(15_690L + 10 + 210 + 50);
    }
}
