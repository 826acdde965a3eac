package dev.sinapse.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SerialComputeTest {
    private final Compute c = Compute.serial();

    @Test
    void productsMatchHandComputedValues() {
        Matrix A = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
        Matrix B = Matrix.of(2, 3, 1, 0, -1, 2, 1, 0);
        // A·Bᵀ = [[1-3, 2+2], [4-6, 8+5]]
        assertThat(c.timesTransB(A, B)).isEqualTo(Matrix.of(2, 2, -2, 4, -2, 13));
        // Aᵀ·B: (3x2)(2x3)
        Matrix out = new Matrix(3, 3);
        c.transATimesInto(A, B, out);
        assertThat(out).isEqualTo(Matrix.of(3, 3, 9, 4, -1, 12, 5, -2, 15, 6, -3));
        // A·Bᵀ as times(A, Bᵀ)
        Matrix Bt = Matrix.of(3, 2, 1, 2, 0, 1, -1, 0);
        assertThat(c.times(A, Bt)).isEqualTo(Matrix.of(2, 2, -2, 4, -2, 13));
    }
}
