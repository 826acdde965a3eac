package dev.sinapse.kernels;

import dev.sinapse.api.Param;
import java.util.Arrays;

/**
 * What one work unit (chunk) of the fused kernel adds up: the partial gradients of W1, b1, W2 and b2, its loss,
 * hits and rows; reused from step to step. Partials are added in chunk order, so the sums do not depend on which
 * thread ran which chunk.
 */
final class ChunkPartials {
    /** One array per hidden unit, of the padded row width; units past h (a strategy's padding) stay zero. */
    final float[][] dW1;
    final float[] db1;
    final float[] dW2;
    final float[] db2;
    double loss;
    long correct;
    int rows;

    ChunkPartials(int h, int c, int units, int width) {
        dW1 = new float[units][width];
        db1 = new float[h];
        dW2 = new float[c * h];
        db2 = new float[c];
    }

    /** Zeroes the partials before a chunk runs. */
    void clear(int rows) {
        for (float[] g : dW1) {
            Arrays.fill(g, 0f);
        }
        Arrays.fill(db1, 0f);
        Arrays.fill(dW2, 0f);
        Arrays.fill(db2, 0f);
        loss = 0;
        correct = 0;
        this.rows = rows;
    }

    /**
     * Writes Σ_t of chunks 0..tasks−1 into the gradients of b1, W2 and b2 (the kernel adds dW1 row by row, on its
     * threads); returns the batch's mean loss and hits.
     */
    static BatchKernel.Result totals(ChunkPartials[] chunks, int tasks, Param b1, Param W2, Param b2) {
        sumInto(b1.grad().data(), chunks, tasks, 0);
        sumInto(W2.grad().data(), chunks, tasks, 1);
        sumInto(b2.grad().data(), chunks, tasks, 2);
        double loss = 0;
        long correct = 0;
        int m = 0;
        for (int t = 0; t < tasks; t++) {
            loss += chunks[t].loss;
            correct += chunks[t].correct;
            m += chunks[t].rows;
        }
        return new BatchKernel.Result(loss / m, correct);
    }

    private static void sumInto(float[] out, ChunkPartials[] chunks, int tasks, int which) {
        Arrays.fill(out, 0f);
        for (int t = 0; t < tasks; t++) {
            ChunkPartials ch = chunks[t];
            float[] p = which == 0 ? ch.db1 : which == 1 ? ch.dW2 : ch.db2;
            for (int j = 0; j < out.length; j++) {
                out[j] += p[j];
            }
        }
    }
}
