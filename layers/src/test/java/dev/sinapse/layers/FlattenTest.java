package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Layer;
import dev.sinapse.api.Matrix;
import dev.sinapse.testkit.GradientCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlattenTest {

    @Test
    void backwardMatchesNumericalGradient() {
        GradientCheck.checkLayer(Fixtures.layer("flatten", 5, Map.of(), 0), GradientCheck.random(4, 5, 1), 1e-2);
    }

    @Test
    void passesRowsAndGradientsThroughUnchanged() {
        Layer flatten = Fixtures.layer("flatten", 6, Map.of(), 0);
        Matrix X = GradientCheck.random(2, 6, 3);

        assertThat(flatten.outputSize()).isEqualTo(6);
        assertThat(flatten.forward(X.copy(), GradientCheck.pass())).isEqualTo(X);
        assertThat(flatten.backward(X.copy(), GradientCheck.pass())).isEqualTo(X);
    }
}
