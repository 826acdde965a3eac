package dev.sinapse.layers;

import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;

/** The label check both losses make: one label per output row, each a valid column of A. */
final class Labels {
    private Labels() {
    }

    static void check(Matrix A, int[] y) {
        if (y.length != A.rows()) {
            throw new IllegalArgumentException(y.length + " labels for " + A.rows() + " output rows");
        }
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= A.cols()) {
                throw new SinapseException("label " + y[i] + " (batch row " + i + ") is outside 0.." + (A.cols() - 1)
                        + ": the network has " + A.cols() + " outputs");
            }
        }
    }
}
