package dev.sinapse.io.data;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Matrix;
import java.util.Arrays;

/**
 * Rows of byte features, stored compactly: one byte per pixel, scaled to float only when a batch is made. A
 * dataset may be a view (a list of row indices) over another one's storage; {@link #select} and {@link #slice}
 * make such views without copying pixels.
 */
public final class PixelDataset implements Dataset {
    private final String source;
    private final int features;
    private final byte[] pixels;
    private final int[] labels;
    private final int[] index;

    /**
     * @param pixels row-major, {@code rows × features}, each read as unsigned 0..255
     * @param labels one per row, or null for an unlabelled file (Kaggle's test.csv)
     */
    public PixelDataset(String source, int features, byte[] pixels, int[] labels) {
        this(source, features, pixels, labels, identity(pixels.length / Math.max(1, features)));
        if (features <= 0 || pixels.length % features != 0) {
            throw new IllegalArgumentException(pixels.length + " bytes are not rows of " + features);
        }
        if (labels != null && labels.length != index.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + index.length + " rows");
        }
    }

    private PixelDataset(String source, int features, byte[] pixels, int[] labels, int[] index) {
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
    public int pixel(int row, int j) {
        return pixels[index[row] * features + j] & 0xFF;
    }

    @Override
    public PixelDataset select(int[] rows) {
        int[] idx = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            idx[i] = index[rows[i]];
        }
        return new PixelDataset(source, features, pixels, labels, idx);
    }

    @Override
    public PixelDataset slice(int from, int to) {
        return new PixelDataset(source, features, pixels, labels, Arrays.copyOfRange(index, from, to));
    }

    /** Where {@link #batchInto} leaves the sum of the bytes it reads ahead. */
    private volatile int sink;

    /** As {@link Dataset#batch}, reading each row's bytes in one run. */
    @Override
    public Matrix batch(int[] order, int from, int to, float scale) {
        Matrix X = new Matrix(to - from, features);
        batchInto(order, from, to, scale, X.data(), 0);
        return X;
    }

    /**
     * As {@link Dataset#batchInto}. A shuffled mini-batch reads its rows from all over the pixels: one byte of each
     * cache line is read first, for all the rows, so that the misses overlap instead of coming one row at a time;
     * the values are then computed, p·scale: 41 µs for 64 rows of 784 against 59 µs looking them up in a table of the
     * 256 products (the same floats), on the AVX2 machine of docs/performance.md's round 8.
     */
    @Override
    public void batchInto(int[] order, int from, int to, float scale, float[] out, int offset) {
        touch(order, from, to);
        for (int r = from; r < to; r++) {
            int src = index[order[r]] * features;
            int dst = offset + (r - from) * features;
            for (int j = 0; j < features; j++) {
                out[dst + j] = (pixels[src + j] & 0xFF) * scale;
            }
        }
    }

    /** As {@link Dataset#bytesInto}: each row's bytes copied in one run, after the same read-ahead as batchInto. */
    @Override
    public void bytesInto(int[] order, int from, int to, byte[] out, int offset) {
        touch(order, from, to);
        for (int r = from; r < to; r++) {
            System.arraycopy(pixels, index[order[r]] * features, out, offset + (r - from) * features, features);
        }
    }

    /** Reads one byte of each cache line of rows order[from..to), so that their misses overlap. */
    private void touch(int[] order, int from, int to) {
        int touched = 0;
        for (int r = from; r < to; r++) {
            for (int src = index[order[r]] * features, j = 0; j < features; j += 64) {
                touched += pixels[src + j];
            }
        }
        sink = touched; // the reads above are used, so the compiler keeps them
    }
}
