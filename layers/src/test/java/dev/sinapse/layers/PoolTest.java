package dev.sinapse.layers;

import dev.sinapse.api.Compute;
import static dev.sinapse.layers.Conv2dTest.X4;
import static dev.sinapse.layers.Conv2dTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.Layer;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Rng;
import dev.sinapse.testkit.GradientCheck;
import dev.sinapse.testkit.TwoThreads;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** max_pool and avg_pool, which share their windows and options. */
class PoolTest {
    private static Pass pass() {
        return Pass.training(Compute.serial(), new Rng(0));
    }

    /**
     * On values at least 0.04 apart: the checker's steps of 0.01 then never move one value past another, which would
     * put a max-pool kink inside the difference (a kink strictly inside, not at the point, is not detected as one).
     */
    @Test
    void backwardsMatchNumericalGradients() {
        Matrix X = new Matrix(3, 50);
        for (int i = 0; i < X.size(); i++) {
            X.data()[i] = ((i * 67) % 150 - 75) * 0.04f;   // 67 is prime to 150: a permutation of the 150 steps
        }
        for (String type : new String[] {"max_pool", "avg_pool"}) {
            Layer pool = Fixtures.imageLayer(type, new int[] {2, 5, 5}, Map.of("size", "3", "stride", "2"), 1);
            GradientCheck.checkLayer(pool, X, 1e-2);
        }
    }

    /*
     * 2 × 2 blocks of X4: [1 2; 3 1] → 3 at (1,0), [0 1; 2 0] → 2 at (1,2), [0 4; 2 0] → 4 at (2,1), [1 2; 3 1] → 3 at (3,2).
     * dA = [1 2 3 4] goes to those four pixels only.
     */
    @Test
    void maxPoolMatchesTheHandComputedFourByFourCase() {
        Layer pool = Fixtures.imageLayer("max_pool", new int[] {1, 4, 4}, Map.of(), 0);

        assertClose(pool.forward(Matrix.of(1, 16, X4), pass()), 3, 2, 4, 3);
        assertClose(pool.backward(Matrix.of(1, 4, 1, 2, 3, 4), pass()),
                0, 0, 0, 0,
                1, 0, 2, 0,
                0, 3, 0, 0,
                0, 0, 4, 0);
        assertThat(pool.outputShape()).containsExactly(1, 2, 2);
    }

    @Test
    void maxPoolTiesSendTheGradientToTheFirstMaximumInReadingOrder() {
        Layer pool = Fixtures.imageLayer("max_pool", new int[] {1, 2, 4}, Map.of(), 0);

        pool.forward(Matrix.of(1, 8, 5, 5, 1, 7, 5, 5, 7, 7), pass());

        assertClose(pool.backward(Matrix.of(1, 2, 1, 1), pass()), 1, 0, 0, 1, 0, 0, 0, 0);
    }

    /* Means of the blocks: 7/4, 3/4, 6/4, 7/4; dA = [4 8 0 −4] spreads a quarter to each pixel of its block. */
    @Test
    void avgPoolMatchesTheHandComputedFourByFourCase() {
        Layer pool = Fixtures.imageLayer("avg_pool", new int[] {1, 4, 4}, Map.of("size", "2"), 0);

        assertClose(pool.forward(Matrix.of(1, 16, X4), pass()), 1.75f, 0.75f, 1.5f, 1.75f);
        assertClose(pool.backward(Matrix.of(1, 4, 4, 8, 0, -4), pass()),
                1, 1, 2, 2,
                1, 1, 2, 2,
                0, 0, -1, -1,
                0, 0, -1, -1);
    }

    /* Overlapping 3 × 3 windows, stride 1: the 4 × 4 image gives 2 × 2, each the max or mean of a 3 × 3 block. */
    @Test
    void overlappingWindowsAddTheirGradients() {
        Layer max = Fixtures.imageLayer("max_pool", new int[] {1, 4, 4}, Map.of("size", "3", "stride", "1"), 0);
        Layer avg = Fixtures.imageLayer("avg_pool", new int[] {1, 4, 4}, Map.of("size", "3", "stride", "1"), 0);

        assertClose(max.forward(Matrix.of(1, 16, X4), pass()), 4, 4, 4, 4);
        assertClose(max.backward(Matrix.of(1, 4, 1, 2, 3, 4), pass()), 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0);
        assertClose(avg.forward(Matrix.of(1, 16, X4), pass()), 14 / 9f, 13 / 9f, 16 / 9f, 14 / 9f);
    }

    @Test
    void oneAndTwoThreadsGiveBitwiseTheSameResults() {
        for (String type : new String[] {"max_pool", "avg_pool"}) {
            Layer one = Fixtures.imageLayer(type, new int[] {3, 6, 6}, Map.of(), 0);
            Layer two = Fixtures.imageLayer(type, new int[] {3, 6, 6}, Map.of(), 0);
            Matrix X = GradientCheck.random(41, 108, 3);
            Matrix dA = GradientCheck.random(41, 27, 4);

            assertThat(two.forward(X, Pass.training(new TwoThreads(), new Rng(0))))
                    .isEqualTo(one.forward(X, Pass.training(Compute.serial(), new Rng(0))));
            assertThat(two.backward(dA, Pass.training(new TwoThreads(), new Rng(0))))
                    .isEqualTo(one.backward(dA, Pass.training(Compute.serial(), new Rng(0))));
        }
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> Fixtures.imageLayer("max_pool", new int[] {1, 4, 4}, Map.of("size", "5"), 0))
                .hasMessageContaining("layer 't' (max_pool): option 'size' must be at most 4, got 5");
        assertThatThrownBy(() -> Fixtures.imageLayer("avg_pool", new int[] {1, 4, 4}, Map.of("stride", "-1"), 0))
                .hasMessageContaining("option 'stride' must be a positive integer");
        assertThatThrownBy(() -> Fixtures.imageLayer("max_pool", new int[] {1, 4, 4}, Map.of("pool", "2"), 0))
                .hasMessageContaining("unknown option 'pool'");
        assertThatThrownBy(() -> Fixtures.layer("avg_pool", 16, Map.of(), 0))
                .hasMessageContaining("needs an image input");
    }
}
