package dev.sinapse.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SameSizeTest {
    /** A = X: the smallest same-size layer; the record's component is its id(). */
    private record Identity(Id id) implements SameSize {
        @Override
        public Matrix forward(Matrix X, Pass pass) {
            return X;
        }

        @Override
        public Matrix backward(Matrix dA, Pass pass) {
            return dA;
        }
    }

    @Test
    void nameAndBothWidthsComeFromTheId() {
        Layer layer = new Identity(new SameSize.Id("hidden_act", 7));

        assertThat(layer.name()).isEqualTo("hidden_act");
        assertThat(layer.inputSize()).isEqualTo(7);
        assertThat(layer.outputSize()).isEqualTo(7);
        assertThat(layer.params()).isEmpty();
    }
}
