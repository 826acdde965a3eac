package dev.sinapse.io.data;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Matrix;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of float features read from a table (data.format "table"), kept as read (NaN where a cell was missing and
 * data.missing allows it), with the {@link TableTransform} that turns them into the network's inputs when a batch is
 * made. Like {@link PixelDataset}, {@link #select} and {@link #slice} make views over the same storage.
 */
public final class TableDataset implements Dataset {
    private final String source;
    private final int features;
    private final float[] values;
    private final int[] labels;
    private final List<String> featureNames;
    private final List<String> classNames;
    private final TableTransform transform;
    private final int[] index;

    /**
     * @param values row-major, rows × features, NaN for a missing cell
     * @param labels class indices, one per row, or null for an unlabelled file
     * @param classNames the name of each class when labels were names; empty when they were the indices themselves
     */
    public TableDataset(String source, List<String> featureNames, float[] values, int[] labels, List<String> classNames) {
        this(source, featureNames.size(), values, labels, List.copyOf(featureNames), List.copyOf(classNames),
                TableTransform.identity(featureNames.size()), identity(values.length / Math.max(1, featureNames.size())));
        if (features == 0 || values.length % features != 0) {
            throw new IllegalArgumentException(values.length + " values are not rows of " + features);
        }
        if (labels != null && labels.length != index.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + index.length + " rows");
        }
    }

    private TableDataset(String source, int features, float[] values, int[] labels, List<String> featureNames,
            List<String> classNames, TableTransform transform, int[] index) {
        this.source = source;
        this.features = features;
        this.values = values;
        this.labels = labels;
        this.featureNames = featureNames;
        this.classNames = classNames;
        this.transform = transform;
        this.index = index;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** The same rows read through {@code t} (fitted on the training rows, or a checkpoint's). */
    public TableDataset withTransform(TableTransform t) {
        if (t.features() != features) {
            throw new IllegalArgumentException("a transform of " + t.features() + " features for " + features);
        }
        return new TableDataset(source, features, values, labels, featureNames, classNames, t, index);
    }

    public TableTransform transform() {
        return transform;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    /** The class names by index; empty when the labels were class indices. */
    public List<String> classNames() {
        return classNames;
    }

    /** Feature j of row i as read: NaN where the cell was missing. */
    public float raw(int row, int j) {
        return values[index[row] * features + j];
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public int size() {
        return index.length;
    }

    @Override
    public int features() {
        return features;
    }

    @Override
    public boolean hasLabels() {
        return labels != null;
    }

    @Override
    public int label(int row) {
        return labels[index[row]];
    }

    @Override
    public boolean bytes() {
        return false;
    }

    @Override
    public int pixel(int row, int j) {
        throw new UnsupportedOperationException(source + ": a table's values are floats; read them through batch()");
    }

    @Override
    public TableDataset select(int[] rows) {
        int[] idx = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            idx[i] = index[rows[i]];
        }
        return new TableDataset(source, features, values, labels, featureNames, classNames, transform, idx);
    }

    @Override
    public TableDataset slice(int from, int to) {
        return new TableDataset(source, features, values, labels, featureNames, classNames, transform,
                Arrays.copyOfRange(index, from, to));
    }

    /** X[r − from, j] = transform(value of order[r], j) · scale. */
    @Override
    public Matrix batch(int[] order, int from, int to, float scale) {
        Matrix X = new Matrix(to - from, features);
        float[] x = X.data();
        for (int r = from; r < to; r++) {
            int src = index[order[r]] * features;
            int dst = (r - from) * features;
            for (int j = 0; j < features; j++) {
                x[dst + j] = transform.apply(values[src + j], j) * scale;
            }
        }
        return X;
    }
}
