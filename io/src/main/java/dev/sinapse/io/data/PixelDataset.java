package dev.sinapse.api;

/**
 * Labelled (or unlabelled) rows of byte features, stored compactly: one byte per pixel, scaled to float only
 * when a batch is made. A dataset may be a view (a list of row indices) over another one's storage.
 */
public final class Dataset {
    private final String source;
    private final int features;
    private final byte[] pixels;
    private final int[] labels;
    private final int[] index;

    /**
     * @param pixels row-major, {@code rows × features}, each read as unsigned 0..255
     * @param labels one per row, or null for an unlabelled file (Kaggle's test.csv)
     */
    public Dataset(String source, int features, byte[] pixels, int[] labels) {
        this(source, features, pixels, labels, identity(pixels.length / Math.max(1, features)));
        if (features <= 0 || pixels.length % features != 0) {
            throw new IllegalArgumentException(pixels.length + " bytes are not rows of " + features);
        }
        if (labels != null && labels.length != index.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + index.length + " rows");
        }
    }

    private Dataset(String source, int features, byte[] pixels, int[] labels, int[] index) {
        this.source = source;
        this.features = features;
        this.pixels = pixels;
        this.labels = labels;
        this.index = index;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Where the rows came from (a file name), for messages and provenance. */
    public String source() {
        return source;
    }

    public int size() {
        return index.length;
    }

    public int features() {
        return features;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    public int label(int row) {
        return labels[index[row]];
    }

    /** The raw value 0..255 of feature j of row i. */
    public int pixel(int row, int j) {
        return pixels[index[row] * features + j] & 0xFF;
    }

    /** A view of the rows {@code rows} (indices into this dataset), not copying pixels. */
    public Dataset select(int[] rows) {
        int[] idx = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            idx[i] = index[rows[i]];
        }
        return new Dataset(source, features, pixels, labels, idx);
    }

    /** Rows {@code from..to-1} of this view. */
    public Dataset slice(int from, int to) {
        return new Dataset(source, features, pixels, labels, java.util.Arrays.copyOfRange(index, from, to));
    }

    /** The rows order[from..to) as floats, each pixel times {@code scale}: an (to − from) × features batch. */
    public Matrix batch(int[] order, int from, int to, float scale) {
        Matrix X = new Matrix(to - from, features);
        float[] x = X.data();
        for (int r = from; r < to; r++) {
            int src = index[order[r]] * features;
            int dst = (r - from) * features;
            for (int j = 0; j < features; j++) {
                x[dst + j] = (pixels[src + j] & 0xFF) * scale;
            }
        }
        return X;
    }

    /** The labels of order[from..to). */
    public int[] labels(int[] order, int from, int to) {
        int[] y = new int[to - from];
        for (int r = from; r < to; r++) {
            y[r - from] = labels[index[order[r]]];
        }
        return y;
    }

    /** 0, 1, …, size − 1: the order of a view read straight through. */
    public int[] naturalOrder() {
        return identity(index.length);
    }
}
