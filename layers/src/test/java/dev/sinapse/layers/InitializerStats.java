package dev.sinapse.layers;

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

    static Initializer initializer(String text) {
        Spec spec = Spec.parse(text, "test");
        Initializer init = Fixtures.registries().initializers().get(spec.type(), "test").create(spec.options());
        Options options = spec.options();
        options.requireAllUsed();
        return init;
    }
}
