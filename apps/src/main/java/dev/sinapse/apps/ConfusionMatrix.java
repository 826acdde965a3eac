package dev.sinapse.apps;

/**
 * C[t][p]: how many rows of true class t the model predicted as p. Per class k:
 * <pre>
 * precision_k = C[k][k] / Σ_t C[t][k]    recall_k = C[k][k] / Σ_p C[k][p]    F1_k = 2·P·R / (P + R)
 * </pre>
 * A ratio whose denominator is 0 counts as 0 (scikit-learn's {@code zero_division=0}). The macro averages are
 * unweighted means over the classes that occur among the labels or the predictions, as scikit-learn's are.
 */
final class ConfusionMatrix {
    private final long[][] C;

    ConfusionMatrix(int classes) {
        C = new long[classes][classes];
    }

    void add(int truth, int predicted) {
        C[truth][predicted]++;
    }

    int classes() {
        return C.length;
    }

    long count(int truth, int predicted) {
        return C[truth][predicted];
    }

    /** Rows whose true class is k: the row sum. */
    long support(int k) {
        long s = 0;
        for (long c : C[k]) {
            s += c;
        }
        return s;
    }

    /** Rows predicted as k: the column sum. */
    long predicted(int k) {
        long s = 0;
        for (long[] row : C) {
            s += row[k];
        }
        return s;
    }

    long total() {
        long s = 0;
        for (int k = 0; k < C.length; k++) {
            s += support(k);
        }
        return s;
    }

    long correct() {
        long s = 0;
        for (int k = 0; k < C.length; k++) {
            s += C[k][k];
        }
        return s;
    }

    double accuracy() {
        return ratio(correct(), total());
    }

    double precision(int k) {
        return ratio(C[k][k], predicted(k));
    }

    double recall(int k) {
        return ratio(C[k][k], support(k));
    }

    double f1(int k) {
        double P = precision(k), R = recall(k);
        return P + R == 0 ? 0 : 2 * P * R / (P + R);
    }

    /** True when class k occurs among the labels or the predictions: it counts in the macro averages. */
    boolean occurs(int k) {
        return support(k) > 0 || predicted(k) > 0;
    }

    double macroPrecision() {
        return macro(this::precision);
    }

    double macroRecall() {
        return macro(this::recall);
    }

    double macroF1() {
        return macro(this::f1);
    }

    private double macro(java.util.function.IntToDoubleFunction metric) {
        double sum = 0;
        int n = 0;
        for (int k = 0; k < C.length; k++) {
            if (occurs(k)) {
                sum += metric.applyAsDouble(k);
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : a / (double) b;
    }
}
