package dev.sinapse.apps.report;

/**
 * C[t][p]: how many rows of true class t the model predicted as p. Per class k:
 * <pre>
 * precision_k = C[k][k] / Σ_t C[t][k]    recall_k = C[k][k] / Σ_p C[k][p]    F1_k = 2·P·R / (P + R)
 * </pre>
 * A ratio whose denominator is 0 counts as 0 (scikit-learn's {@code zero_division=0}). The macro averages are
 * unweighted means over the classes that occur among the labels or the predictions, as scikit-learn's are.
 */
public final class ConfusionMatrix {
    private final long[][] C;

    public ConfusionMatrix(int classes) {
        C = new long[classes][classes];
    }

    public void add(int truth, int predicted) {
        C[truth][predicted]++;
    }

    public int classes() {
        return C.length;
    }

    public long count(int truth, int predicted) {
        return C[truth][predicted];
    }

    /** Rows whose true class is k: the row sum. */
    public long support(int k) {
        long s = 0;
        for (long c : C[k]) {
            s += c;
        }
        return s;
    }

    /** Rows predicted as k: the column sum. */
    public long predicted(int k) {
        long s = 0;
        for (long[] row : C) {
            s += row[k];
        }
        return s;
    }

    public long total() {
        long s = 0;
        for (int k = 0; k < C.length; k++) {
            s += support(k);
        }
        return s;
    }

    public long correct() {
        long s = 0;
        for (int k = 0; k < C.length; k++) {
            s += C[k][k];
        }
        return s;
    }

    public double accuracy() {
        return ratio(correct(), total());
    }

    public double precision(int k) {
        return ratio(C[k][k], predicted(k));
    }

    public double recall(int k) {
        return ratio(C[k][k], support(k));
    }

    public double f1(int k) {
        double P = precision(k), R = recall(k);
        return P + R == 0 ? 0 : 2 * P * R / (P + R);
    }

    /** True when class k occurs among the labels or the predictions: it counts in the macro averages. */
    public boolean occurs(int k) {
        return support(k) > 0 || predicted(k) > 0;
    }

    public double macroPrecision() {
        return macro(this::precision);
    }

    public double macroRecall() {
        return macro(this::recall);
    }

    public double macroF1() {
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
