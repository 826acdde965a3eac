package dev.sinapse.io.data;

import dev.sinapse.api.SinapseException;
import java.util.Arrays;

/**
 * What a table's feature j goes through before the network: a missing value (NaN) becomes fill[j], then
 * x' = (x − shift[j])·factor[j]. Fitted on the training rows alone ({@link #fit}) and stored in checkpoints, so
 * that dev rows, evaluate and predict see exactly the transform training used. Arrays are not modified.
 */
public record TableTransform(float[] fill, float[] shift, float[] factor) {
    public TableTransform {
        if (fill.length != shift.length || shift.length != factor.length) {
            throw new IllegalArgumentException("fill, shift and factor differ in length");
        }
    }

    /** x' = x: no missing value filled differently from 0, no scaling. */
    public static TableTransform identity(int features) {
        float[] one = new float[features];
        Arrays.fill(one, 1f);
        return new TableTransform(new float[features], new float[features], one);
    }

    public int features() {
        return fill.length;
    }

    /** The value the network reads for raw value x of feature j. */
    public float apply(float x, int j) {
        float v = Float.isNaN(x) ? fill[j] : x;
        return (v - shift[j]) * factor[j];
    }

    /**
     * Fitted on {@code train}'s rows: fill is the column's mean over present values ("mean") or 0 ("zero", and
     * "error", where nothing is missing); then, over the filled values, "zscore" shifts by the mean and divides by the
     * standard deviation (population, as scikit-learn's StandardScaler), "minmax" shifts by the minimum and divides by
     * the range, "none" leaves them. A constant column (deviation or range 0) is only shifted. Sums in double.
     */
    public static TableTransform fit(TableDataset train, String standardize, String missing) {
        int n = train.features(), m = train.size();
        float[] fill = new float[n], shift = new float[n], factor = new float[n];
        Arrays.fill(factor, 1f);
        for (int j = 0; j < n; j++) {
            double sum = 0;
            long present = 0;
            for (int i = 0; i < m; i++) {
                float x = train.raw(i, j);
                if (!Float.isNaN(x)) {
                    sum += x;
                    present++;
                }
            }
            if (missing.equals("mean")) {
                if (present == 0 && m > 0) {
                    throw new SinapseException(train.source() + ": column '" + train.featureNames().get(j)
                            + "' has no value in any training row; data.missing: mean has no mean to fill with");
                }
                fill[j] = present == 0 ? 0f : (float) (sum / present);
            }
            if (standardize.equals("zscore")) {
                double mean = 0;
                for (int i = 0; i < m; i++) {
                    mean += filled(train.raw(i, j), fill[j]);
                }
                mean /= Math.max(1, m);
                double squares = 0;
                for (int i = 0; i < m; i++) {
                    double d = filled(train.raw(i, j), fill[j]) - mean;
                    squares += d * d;
                }
                double std = Math.sqrt(squares / Math.max(1, m));
                shift[j] = (float) mean;
                factor[j] = std > 0 ? (float) (1 / std) : 1f;
            } else if (standardize.equals("minmax")) {
                double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < m; i++) {
                    double x = filled(train.raw(i, j), fill[j]);
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                }
                shift[j] = m == 0 ? 0f : (float) min;
                factor[j] = max > min ? (float) (1 / (max - min)) : 1f;
            }
        }
        return new TableTransform(fill, shift, factor);
    }

    private static double filled(float x, float fill) {
        return Float.isNaN(x) ? fill : x;
    }
}
