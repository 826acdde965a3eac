package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Matrix;
import dev.sinapse.api.Rng;
import org.junit.jupiter.api.Test;

class ZerosTest {

    @Test
    void fillsZerosAndDrawsNothing() {
        Matrix W = new Matrix(30, 40);
        W.fill(7f);
        Rng rng = new Rng(11);

        InitializerStats.initializer("zeros").fill(W, 40, 30, rng);

        assertThat(W.data()).containsOnly(0f);
        assertThat(rng.state()).isEqualTo(new Rng(11).state());
    }
}
