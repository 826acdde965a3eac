package dev.sinapse.layers;

import dev.sinapse.api.Compute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Layer;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.testkit.GradientCheck;
import dev.sinapse.testkit.TwoThreads;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Conv2dTest {
    /** The 1-channel 4 × 4 image of the hand-computed cases, row by row. */
    static final float[] X4 = {
        1, 2, 0, 1,
        3, 1, 2, 0,
        0, 4, 1, 2,
        2, 0, 3, 1};

    private static Pass pass() {
        return Pass.training(Compute.serial(), new Rng(0));
    }

    @Test
    void backwardMatchesNumericalGradientWithPaddingAndStride() {
        Layer conv = Fixtures.imageLayer("conv2d", new int[] {2, 5, 5},
                Map.of("filters", "3", "kernel_size", "3", "padding", "1", "stride", "2", "bias_init", "uniform"), 1);
        GradientCheck.checkLayer(conv, GradientCheck.random(3, 50, 11), 1e-2);
    }

    @Test
    void backwardMatchesNumericalGradientValid() {
        Layer conv = Fixtures.imageLayer("conv2d", new int[] {1, 6, 6}, Map.of("filters", "2", "kernel_size", "2"), 2);
        GradientCheck.checkLayer(conv, GradientCheck.random(2, 36, 12), 1e-2);
    }

    /*
     * X as above, W = [[1 2] [0 -1]], b = 0.5, valid: Z[oy,ox] = X[oy,ox] + 2·X[oy,ox+1] − X[oy+1,ox+1] + 0.5
     *   Z = [4.5 0.5 2.5; 1.5 4.5 0.5; 8.5 3.5 4.5]   (e.g. Z[2,1]: window [4 1; 0 3]: 4 + 2 − 3 + 0.5)
     * dZ = ones: dW[ky,kx] = Σ of the 3 × 3 block of X at (ky, kx) = [14 13; 16 14], db = 9,
     * dX[r,c] = Σ of the W entries whose window covers (r,c): corners W[0,0] = 1, W[0,1] = 2, W[1,0] = 0, W[1,1] = −1;
     * inner pixels every entry: 1 + 2 + 0 − 1 = 2; top edge W[0,0] + W[0,1] = 3; left edge W[0,0] + W[1,0] = 1.
     */
    @Test
    void forwardAndBackwardMatchTheHandComputedFourByFourCase() {
        Conv2d conv = new Conv2d("c", new Windows(1, 4, 4, 2, 1, 0), Matrix.of(1, 4, 1, 2, 0, -1), Matrix.of(1, 1, 0.5f));

        Matrix Z = conv.forward(Matrix.of(1, 16, X4), pass());
        Matrix ones = new Matrix(1, 9);
        ones.fill(1f);
        Matrix dX = conv.backward(ones, pass());

        assertClose(Z, 4.5f, 0.5f, 2.5f, 1.5f, 4.5f, 0.5f, 8.5f, 3.5f, 4.5f);
        assertClose(conv.params().get(0).grad(), 14, 13, 16, 14);
        assertClose(conv.params().get(1).grad(), 9);
        assertClose(dX,
                1, 3, 3, 2,
                1, 2, 2, 1,
                1, 2, 2, 1,
                0, -1, -1, -1);
        assertThat(conv.outputShape()).containsExactly(1, 3, 3);
    }

    /*
     * A 3 × 3 kernel of ones with one zero of padding sums each pixel's neighbourhood; stride 2 keeps the windows
     * centred at (0,0), (0,2), (2,0), (2,2):  7 = 1+2+3+1,  6 = 2+0+1 + 1+2+0,  10 = 3+1 + 0+4 + 2+0,  14 = the 3 × 3 at (1,1).
     */
    @Test
    void paddingAndStrideMatchTheHandComputedCase() {
        Matrix ones = new Matrix(1, 9);
        ones.fill(1f);
        Conv2d conv = new Conv2d("c", new Windows(1, 4, 4, 3, 2, 1), ones, new Matrix(1, 1));

        assertClose(conv.forward(Matrix.of(1, 16, X4), pass()), 7, 6, 10, 14);
        assertThat(conv.outputShape()).containsExactly(1, 2, 2);
    }

    /* Channels are read one plane after the other: a 1 × 1 kernel [2, −1] on two planes gives 2·X0 − X1. */
    @Test
    void channelsAreWholePlanesOneAfterTheOther() {
        Conv2d conv = new Conv2d("c", new Windows(2, 1, 2, 1, 1, 0), Matrix.of(1, 2, 2, -1), new Matrix(1, 1));

        assertClose(conv.forward(Matrix.of(1, 4, 1, 2, 10, 20), pass()), 2 - 10, 4 - 20);
    }

    @Test
    void oneAndTwoThreadsGiveBitwiseTheSameOutputsAndGradients() {
        Map<String, String> options = Map.of("filters", "4", "kernel_size", "3", "padding", "same", "bias_init", "uniform");
        Layer one = Fixtures.imageLayer("conv2d", new int[] {2, 7, 7}, options, 5);
        Layer two = Fixtures.imageLayer("conv2d", new int[] {2, 7, 7}, options, 5);
        Matrix X = GradientCheck.random(37, 98, 6);   // 37 rows: chunks of 4 samples, the last one short
        Matrix dZ = GradientCheck.random(37, 4 * 49, 7);

        Matrix Z1 = one.forward(X, Pass.training(Compute.serial(), new Rng(0)));
        Matrix dX1 = one.backward(dZ, Pass.training(Compute.serial(), new Rng(0)));
        Matrix Z2 = two.forward(X, Pass.training(new TwoThreads(), new Rng(0)));
        Matrix dX2 = two.backward(dZ, Pass.training(new TwoThreads(), new Rng(0)));

        assertThat(Z2).isEqualTo(Z1);
        assertThat(dX2).isEqualTo(dX1);
        for (int i = 0; i < 2; i++) {
            assertThat(two.params().get(i).grad()).isEqualTo(one.params().get(i).grad());
        }
    }

    @Test
    void weightsAreHeDrawnWithFanInChannelsTimesKernelArea() {
        Layer conv = Fixtures.imageLayer("conv2d", new int[] {3, 10, 10}, Map.of("filters", "8", "kernel_size", "5"), 3);

        assertThat(conv.params()).extracting(Param::name).containsExactly("t.W", "t.b");
        assertThat(conv.params().get(0).value().shape()).isEqualTo("8x75");
        assertThat(conv.outputShape()).containsExactly(8, 6, 6);
        assertThat(conv.forwardFlopsPerSample()).isEqualTo(2L * 8 * 36 * 75 + 8 * 36);
        double var = conv.params().get(0).value().squaredNorm() / 600;
        assertThat(var).as("he: variance 2 / fan-in").isCloseTo(2.0 / 75, within(0.4 * 2.0 / 75));
    }

    @Test
    void badOptionsAndFlatInputsAreRefusedNamingTheOption() {
        int[] image = {1, 8, 8};
        assertThatThrownBy(() -> Fixtures.imageLayer("conv2d", image, Map.of("kernel_size", "3"), 0))
                .isInstanceOf(SinapseException.class).hasMessageContaining("option 'filters' is required");
        assertThatThrownBy(() -> Fixtures.imageLayer("conv2d", image, Map.of("filters", "2", "kernel_size", "9"), 0))
                .hasMessageContaining("option 'kernel_size' is 9, larger than the input 8x8");
        assertThatThrownBy(() -> Fixtures.imageLayer("conv2d", image, Map.of("filters", "2", "kernel_size", "4", "padding", "same"), 0))
                .hasMessageContaining("'same' needs an odd kernel_size");
        assertThatThrownBy(() -> Fixtures.imageLayer("conv2d", image, Map.of("filters", "2", "kernel_size", "3", "padding", "full"), 0))
                .hasMessageContaining("option 'padding' must be 'valid', 'same' or a number");
        assertThatThrownBy(() -> Fixtures.imageLayer("conv2d", image, Map.of("filters", "2", "kernel_size", "3", "stride", "0"), 0))
                .hasMessageContaining("option 'stride' must be a positive integer");
        assertThatThrownBy(() -> Fixtures.imageLayer("conv2d", image, Map.of("filters", "2", "kernel_size", "3", "dilation", "2"), 0))
                .hasMessageContaining("unknown option 'dilation'");
        assertThatThrownBy(() -> Fixtures.layer("conv2d", 64, Map.of("filters", "2", "kernel_size", "3"), 0))
                .hasMessageContaining("layer 't' (conv2d): needs an image input").hasMessageContaining("reshape");
    }

    static void assertClose(Matrix M, float... expected) {
        assertThat(M.size()).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(M.data()[i]).as("element %d of %s", i, M).isCloseTo(expected[i], within(1e-5f));
        }
    }
}
