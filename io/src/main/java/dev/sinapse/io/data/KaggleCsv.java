package dev.sinapse.io.data;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.SinapseException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The Kaggle digit-recognizer CSV: a header {@code label,pixel0,...,pixel783} (test.csv has no label column), then
 * one image per line as integers 0..255, plain or gzip. The label may be any column; the pixels are the others,
 * in order, and their count is read from the header rather than assumed to be 784.
 *
 * <p>Reads into {@link PixelDataset}'s byte storage in blocks of rows, so memory follows the rows actually present.
 */
public final class KaggleCsv {
    /** Rows are gathered in blocks of about this many bytes. */
    private static final int BLOCK_BYTES = 1 << 22;

    private KaggleCsv() {
    }

    /**
     * Every row of {@code file}; labelled when the header has {@code labelColumn} (usually "label"). The file may be a
     * pipe or a FIFO; "-" reads standard input.
     */
    public static Dataset read(Path file, String labelColumn) {
        try (CsvRows rows = CsvRows.open(Inputs.open(file), Inputs.name(file), labelColumn)) {
            return readAll(rows, Inputs.name(file));
        }
    }

    /**
     * Every row of a stream of a file's bytes as stored, plain or gzip (the data bundled in a jar, or a file through
     * {@link Sha256Input}), named {@code sourceName} in messages. Does not close it.
     */
    public static Dataset read(InputStream in, String sourceName, String labelColumn) {
        try (CsvRows rows = CsvRows.open(Inputs.decode(Inputs.unclosed(in), sourceName), sourceName, labelColumn)) {
            return readAll(rows, sourceName);
        }
    }

    /**
     * The rows of {@code file} in order, {@code batchRows} at a time, for predicting over a file without holding
     * it all. The header is checked here, as {@link #read(Path, String)} does.
     */
    public static Batches open(Path file, String labelColumn, int batchRows) {
        if (batchRows <= 0) {
            throw new IllegalArgumentException("batchRows must be positive, got " + batchRows);
        }
        return new Batches(CsvRows.open(Inputs.open(file), Inputs.name(file), labelColumn), Inputs.name(file), batchRows);
    }

    private static Dataset readAll(CsvRows rows, String source) {
        int features = rows.features();
        int blockRows = Math.max(1, BLOCK_BYTES / features);
        ByteChunks X = new ByteChunks(features, blockRows);
        ByteChunks y = new ByteChunks(1, blockRows);
        int n;
        do {
            // Both chunk lists fill block by block in step, so the free rows in each block agree.
            byte[] x = X.block();
            byte[] labels = y.block();
            n = rows.read(x, X.position(), labels, y.position(), y.free());
            X.advance(n * features);
            y.advance(n);
            if (X.size() > ByteChunks.MAX_ARRAY - (long) blockRows * features) {
                throw new SinapseException(source + ": more than " + y.size() + " rows of " + features
                        + " pixels do not fit one dataset (2 GB)");
            }
        } while (n > 0);
        if (y.size() == 0) {
            throw new SinapseException(source + ": no data rows after the header");
        }
        return new PixelDataset(source, features, X.toArray(), rows.labelled() ? labels(y.toArray()) : null);
    }

    private static int[] labels(byte[] y) {
        int[] labels = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            labels[i] = y[i];
        }
        return labels;
    }

    /** A file read a batch of rows at a time; see {@link KaggleCsv#open}. */
    public static final class Batches implements RowBatches {
        private final CsvRows rows;
        private final String source;
        private final int batchRows;
        private long delivered;

        private Batches(CsvRows rows, String source, int batchRows) {
            this.rows = rows;
            this.source = source;
            this.batchRows = batchRows;
        }

        /** Pixels per row. */
        @Override
        public int features() {
            return rows.features();
        }

        @Override
        public boolean hasLabels() {
            return rows.labelled();
        }

        /** The next rows in file order, at most batchRows of them; null after the last one. */
        @Override
        public Dataset next() {
            int features = rows.features();
            if ((long) batchRows * features > ByteChunks.MAX_ARRAY) {
                throw new IllegalArgumentException(batchRows + " rows of " + features + " pixels do not fit one batch");
            }
            byte[] X = new byte[batchRows * features];
            byte[] y = new byte[batchRows];
            int n = rows.read(X, 0, y, 0, batchRows);
            if (n == 0) {
                if (delivered == 0) {
                    throw new SinapseException(source + ": no data rows after the header");
                }
                return null;
            }
            delivered += n;
            int[] labels = rows.labelled() ? labels(Arrays.copyOf(y, n)) : null;
            return new PixelDataset(source, features, n == batchRows ? X : Arrays.copyOf(X, n * features), labels);
        }

        @Override
        public void close() {
            rows.close();
        }
    }
}
