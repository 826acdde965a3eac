package dev.sinapse.io.data;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.SinapseException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVRecord;

/**
 * A numeric table (data.format "table"): a header naming the columns, then one row per line. Features are read as
 * floats by header name; the label column holds class indices (integers 0, 1, 2, ...) or class names (any other
 * text, mapped to indices in sorted order). Plain or gzip, like {@link KaggleCsv}, with the same line rules and
 * messages ({@code <source> line N, column C: ...}).
 */
public final class TableCsv {
    private TableCsv() {
    }

    /**
     * How to read a table.
     *
     * @param featureColumns the feature columns by name, in order; empty: every column but the label
     * @param fillMissing whether an empty or NaN cell is kept as missing (data.missing mean or zero); otherwise refused
     * @param classes null: taken from the data (training); empty: labels are class indices; otherwise the class names
     *     a model was trained with, by index, and any other label is refused
     */
    public record Spec(String labelColumn, List<String> featureColumns, boolean fillMissing, List<String> classes) {
    }

    /** Every row of a stream of a file's bytes as stored, plain or gzip, named {@code source}. Does not close it. */
    public static TableDataset read(InputStream in, String source, Spec spec) {
        try (Reader r = new Reader(CsvRows.open(Inputs.decode(Inputs.unclosed(in), source), source, spec.labelColumn()), source, spec)) {
            return r.readAll();
        }
    }

    /** The rows of {@code file}, {@code batchRows} at a time (evaluate, predict); the header is checked here. */
    public static RowBatches open(Path file, Spec spec, int batchRows) {
        if (batchRows <= 0) {
            throw new IllegalArgumentException("batchRows must be positive, got " + batchRows);
        }
        String source = Inputs.name(file);
        return new Reader(CsvRows.open(Inputs.open(file), source, spec.labelColumn()), source, spec).batches(batchRows);
    }

    private static final class Reader implements AutoCloseable {
        private final CsvRows rows;
        private final String source;
        private final Spec spec;
        private final int[] columns;          // the header column of each feature
        private final List<String> featureNames = new ArrayList<>();
        private final Map<String, Integer> known = new HashMap<>();              // a model's class names → index
        private final Map<String, Integer> seen = new LinkedHashMap<>();         // training: each label text → a provisional id

        Reader(CsvRows rows, String source, Spec spec) {
            this.rows = rows;
            this.source = source;
            this.spec = spec;
            try {
                this.columns = featureColumns(rows.names(), rows.labelIndex());
            } catch (RuntimeException e) {
                rows.close();
                throw e;
            }
            if (spec.classes() != null) {
                for (int k = 0; k < spec.classes().size(); k++) {
                    known.put(spec.classes().get(k), k);
                }
            }
        }

        private int[] featureColumns(String[] names, int label) {
            if (spec.featureColumns().isEmpty()) {
                int[] c = new int[names.length - (label >= 0 ? 1 : 0)];
                for (int i = 0, k = 0; i < names.length; i++) {
                    if (i != label) {
                        c[k++] = i;
                        featureNames.add(names[i]);
                    }
                }
                return c;
            }
            List<String> header = Arrays.asList(names);
            int[] c = new int[spec.featureColumns().size()];
            for (int k = 0; k < c.length; k++) {
                String name = spec.featureColumns().get(k);
                c[k] = header.indexOf(name);
                if (c[k] < 0) {
                    throw new SinapseException(source + " line 1: no column '" + name + "' in the header"
                            + (spec.classes() == null ? " (data.feature_columns)" : " (a feature the model was trained on)"));
                }
                if (c[k] == label) {
                    throw new SinapseException(source + " line 1: column '" + name + "' is the label; it cannot be a feature too");
                }
                if (header.lastIndexOf(name) != c[k]) {
                    throw new SinapseException(source + " line 1: column '" + name + "' appears twice in the header");
                }
                featureNames.add(name);
            }
            return c;
        }

        /** Reads up to maxRows rows into X (rows × features) and y; returns the count, 0 at the end. */
        int read(FloatGrowth X, IntGrowth y, int maxRows) {
            int r = 0;
            CSVRecord record;
            while (r < maxRows && (record = rows.nextRecord()) != null) {
                for (int column : columns) {
                    X.add(value(record.get(column), column));
                }
                if (rows.labelled()) {
                    y.add(label(record.get(rows.labelIndex()), rows.labelIndex()));
                }
                r++;
            }
            return r;
        }

        private float value(String cell, int column) {
            String s = cell.strip();
            if (s.isEmpty() || s.equalsIgnoreCase("nan")) {
                if (!spec.fillMissing()) {
                    throw rows.cellError(column, "missing value" + (s.isEmpty() ? "" : " (" + s + ")")
                            + "; fill it in, or set data.missing to mean or zero");
                }
                return Float.NaN;
            }
            float v;
            try {
                // Java would also take "1.5f", "0x1p3" and "Infinity": only plain decimal numbers are features
                char last = s.charAt(s.length() - 1);
                if (!(Character.isDigit(last) || last == '.')) {
                    throw new NumberFormatException();
                }
                v = Float.parseFloat(s);
            } catch (NumberFormatException e) {
                throw rows.cellError(column, "expected a number, found " + Messages.quote(cell));
            }
            if (!Float.isFinite(v)) {
                throw rows.cellError(column, Messages.clip(cell) + " is beyond the float range");
            }
            return v;
        }

        private int label(String cell, int column) {
            String s = cell.strip();
            if (s.isEmpty()) {
                throw rows.cellError(column, "missing label");
            }
            if (spec.classes() == null) {
                return seen.computeIfAbsent(s, k -> seen.size());
            }
            if (spec.classes().isEmpty()) {
                int v = CsvRows.parse(s);
                if (v == CsvRows.NOT_AN_INTEGER || v < 0) {
                    throw rows.cellError(column, "expected a class index 0, 1, 2, ... (the model was trained on class"
                            + " indices), found " + Messages.quote(cell));
                }
                return v;
            }
            Integer k = known.get(s);
            if (k == null) {
                throw rows.cellError(column, "label " + Messages.quote(cell) + " is not a class the model was trained on ("
                        + String.join(", ", spec.classes()) + ")");
            }
            return k;
        }

        TableDataset readAll() {
            FloatGrowth X = new FloatGrowth(source);
            IntGrowth y = new IntGrowth();
            while (read(X, y, Integer.MAX_VALUE) > 0) {
                // read returns 0 only at the end
            }
            if (X.size() == 0) {
                throw new SinapseException(source + ": no data rows after the header");
            }
            if (!rows.labelled()) {
                return new TableDataset(source, featureNames, X.toArray(), null, List.of());
            }
            if (spec.classes() != null) {
                return new TableDataset(source, featureNames, X.toArray(), y.toArray(), spec.classes());
            }
            return classesFromData(X.toArray(), y.toArray());
        }

        /**
         * The labels read in training: if every one is an integer 0 or more, the integer is the class; otherwise each
         * distinct text is a class name, numbered in sorted order, and the names are kept for predict.
         */
        private TableDataset classesFromData(float[] X, int[] provisional) {
            int[] to = new int[seen.size()];
            List<String> names = new ArrayList<>(seen.keySet());
            boolean indices = true;
            for (int id = 0; id < names.size() && indices; id++) {
                int v = CsvRows.parse(names.get(id));
                indices = v != CsvRows.NOT_AN_INTEGER && v >= 0;
                to[id] = v;
            }
            List<String> classNames = List.of();
            if (!indices) {
                List<String> sorted = new ArrayList<>(names);
                sorted.sort(null);
                for (int id = 0; id < names.size(); id++) {
                    to[id] = sorted.indexOf(names.get(id));
                }
                classNames = sorted;
            }
            int[] y = new int[provisional.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = to[provisional[i]];
            }
            return new TableDataset(source, featureNames, X, y, classNames);
        }

        RowBatches batches(int batchRows) {
            Reader reader = this;
            return new RowBatches() {
                private long delivered;

                @Override
                public int features() {
                    return columns.length;
                }

                @Override
                public boolean hasLabels() {
                    return rows.labelled();
                }

                @Override
                public Dataset next() {
                    FloatGrowth X = new FloatGrowth(source);
                    IntGrowth y = new IntGrowth();
                    int n = reader.read(X, y, batchRows);
                    if (n == 0) {
                        if (delivered == 0) {
                            throw new SinapseException(source + ": no data rows after the header");
                        }
                        return null;
                    }
                    delivered += n;
                    return new TableDataset(source, featureNames, X.toArray(), rows.labelled() ? y.toArray() : null,
                            spec.classes() == null ? List.of() : spec.classes());
                }

                @Override
                public void close() {
                    reader.close();
                }
            };
        }

        @Override
        public void close() {
            rows.close();
        }
    }

    /** A float array that grows as rows arrive, up to the largest Java array. */
    private static final class FloatGrowth {
        private final String source;
        private float[] a = new float[1024];
        private int n;

        FloatGrowth(String source) {
            this.source = source;
        }

        void add(float v) {
            if (n == a.length) {
                if (a.length >= ByteChunks.MAX_ARRAY) {
                    throw new SinapseException(source + ": more than " + n + " values do not fit one dataset (2^31)");
                }
                a = Arrays.copyOf(a, (int) Math.min(ByteChunks.MAX_ARRAY, 2L * a.length));
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    private static final class IntGrowth {
        private int[] a = new int[256];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * a.length);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
