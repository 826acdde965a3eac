package dev.sinapse.kernels;

import dev.sinapse.api.Param;
import java.util.Arrays;

/**
 * What one work unit of a fused kernel adds up besides dW1 (whose layout each kernel chooses): the partial
 * gradients of b1, W2 and b2, its loss, hits and rows. Partials are added in chunk order, so the sums do not
 * depend on which thread ran which chunk.
 */
abstract class ChunkPartials {
    final float[] db1;
    final float[] dW2;
    final float[] db2;
    double loss;
    long correct;
    int rows;

    ChunkPartials(int h, int c) {
        db1 = new float[h];
        dW2 = new float[c * h];
        db2 = new float[c];
    }

    /** Zeroes the partials before a chunk runs. */
    void clear(int rows) {
        Arrays.fill(db1, 0f);
        Arrays.fill(dW2, 0f);
        Arrays.fill(db2, 0f);
        loss = 0;
        correct = 0;
        this.rows = rows;
    }

    /** Writes Σ_t of chunks 0..tasks−1 into the gradients of b1, W2 and b2; returns the batch's mean loss and hits. */
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
