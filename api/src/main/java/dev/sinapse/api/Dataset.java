package dev.sinapse.api;

/**
 * Labelled (or unlabelled) rows of features, read as a float batch ({@link #batch}), and, for pixels 0..255, a value
 * at a time ({@link #pixel}). Rows are numbered 0..size − 1; an {@code order} is an array of such row numbers (a
 * shuffle).
 */
public interface Dataset {
    /** Where the rows came from (a file name), for messages and provenance. */
    String source();

    int size();

    int features();

    boolean hasLabels();

    int label(int row);

    /**
     * Whether the rows are pixels 0..255 that {@link #pixel} gives exactly (a kernel may then keep them as bytes);
     * false for rows of floats (a table), which only {@link #batch} reads.
     */
    default boolean bytes() {
        return true;
    }

    /** The raw value 0..255 of feature j of row i; only when {@link #bytes()}. */
    int pixel(int row, int j);

    /** A view of the rows {@code rows} (indices into this dataset), in that order. */
    Dataset select(int[] rows);

    /** Rows {@code from..to-1} of this dataset. */
    Dataset slice(int from, int to);

    /**
     * The rows order[from..to) as floats, each value times {@code scale}: an (to − from) × features batch, with
     * X[r − from, j] = pixel(order[r], j) · scale for pixels, and the row's preprocessed value · scale for a table.
     */
    Matrix batch(int[] order, int from, int to, float scale);

    /**
     * As {@link #batch}, written into {@code out}: row r at {@code offset + (r − from)·features}. A caller may fill
     * one batch from several threads, a range of rows each. The default copies a {@link #batch}.
     * Modified: out.
     */
    default void batchInto(int[] order, int from, int to, float scale, float[] out, int offset) {
        float[] x = batch(order, from, to, scale).data();
        System.arraycopy(x, 0, out, offset, x.length);
    }

    /**
     * The rows order[from..to) as their pixels' bytes (pixel(order[r], j) is {@code out[…] & 0xFF}), row r at
     * {@code offset + (r − from)·features}; only when {@link #bytes()}. For a kernel that converts them itself. The
     * default asks {@link #pixel} for each. Modified: out.
     */
    default void bytesInto(int[] order, int from, int to, byte[] out, int offset) {
        int n = features();
        for (int r = from; r < to; r++) {
            for (int j = 0; j < n; j++) {
                out[offset + (r - from) * n + j] = (byte) pixel(order[r], j);
            }
        }
    }

    /** The labels of order[from..to). */
    default int[] labels(int[] order, int from, int to) {
        int[] y = new int[to - from];
        for (int r = from; r < to; r++) {
            y[r - from] = label(order[r]);
        }
        return y;
    }

    /** 0, 1, …, size − 1: the order of the rows read straight through. */
    default int[] naturalOrder() {
        int[] order = new int[size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return order;
    }
}
