package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Initializer;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Rng;
import dev.sinapse.api.Spec;

/** Fills a large matrix from an initializer spec and summarizes it, for the initializer tests. */
record InitializerStats(Matrix W, double min, double max, double mean, double std) {

    /** A rows × cols matrix (fanIn = cols, fanOut = rows, as Dense uses it) from the spec text. */
    static InitializerStats of(String spec, int rows, int cols, long seed) {
        Matrix W = new Matrix(rows, cols);
        initializer(spec).fill(W, cols, rows, new Rng(seed));
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0, squares = 0;
        for (float w : W.data()) {
            min = Math.min(min, w);
            max = Math.max(max, w);
            sum += w;
            squares += (double) w * w;
        }
        int n = W.size();
        double mean = sum / n;
        return new InitializerStats(W, min, max, mean, Math.sqrt(squares / n - mean * mean));
    }

    /** Every value lies in [low, high], and the smallest and largest come within {@code edge} of those ends. */
    void assertSpans(double low, double high, double edge) {
        assertThat(min).as("min").isGreaterThanOrEqualTo(low).isLessThan(low + edge);
        assertThat(max).as("max").isLessThanOrEqualTo(high).isGreaterThan(high - edge);
    }

    /** The same seed gives the same values, another seed other values. */
    static void assertReproducible(String spec) {
        assertThat(of(spec, 10, 10, 5).W()).isEqualTo(of(spec, 10, 10, 5).W());
        assertThat(of(spec, 10, 10, 5).W()).isNotEqualTo(of(spec, 10, 10, 6).W());
    }

    static Initializer initializer(String text) {
        Spec spec = Spec.parse(text, "test");
        Initializer init = Fixtures.registries().initializers().get(spec.type(), "test").create(spec.options());
        Options options = spec.options();
        options.requireAllUsed();
        return init;
    }
}
