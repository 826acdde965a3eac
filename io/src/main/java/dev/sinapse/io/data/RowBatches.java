package dev.sinapse.io.data;

import dev.sinapse.api.Dataset;

/** A data file read a batch of rows at a time, in file order, for evaluate and predict over a file of any length. */
public interface RowBatches extends AutoCloseable {
    /** Features per row. */
    int features();

    boolean hasLabels();

    /** The next rows in file order; null after the last one. */
    Dataset next();

    @Override
    void close();
}
