package dev.sinapse.io.data;

import dev.sinapse.api.SinapseException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The rows of a Kaggle digit-recognizer CSV, decoded into bytes as they are parsed: a header line
 * ({@code label,pixel0,...,pixel783}, or without the label column for test.csv), then one line of integers per
 * image. Nothing is kept per row; cells are turned into numbers straight from commons-csv's strings without
 * boxing. Every mistake is reported as {@code <source> line N, column C: <what was expected>}, where N counts
 * physical lines from 1 (the header) as an editor shows them.
 */
final class CsvRows implements Closeable {
    /** Digits 0..9: the network's ten outputs. */
    static final int CLASSES = 10;

    // Blank lines are skipped, as pandas does; quotes are allowed because some tools quote the header.
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).get();
    /**
     * The longest line (record) read, in characters: room for 262,144 pixels of three digits, far more than a
     * digit needs (about 3,000 for 28×28), and little enough memory that a file without line breaks fails at once.
     */
    static final int MAX_LINE = 1 << 20;
    static final int NOT_AN_INTEGER = Integer.MIN_VALUE;
    private static final Pattern START_LINE = Pattern.compile("\\(startline (\\d+)\\) (.*)", Pattern.DOTALL);

    private final String source;
    private final InputStream in;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final String[] names;
    private final int labelIndex;
    private final int features;

    /**
     * Reads and checks the header. {@code in} is the decoded byte stream (see {@link Inputs#decode}); it is closed
     * by {@link #close()}, or here if the header is bad. A file is labelled when its header has
     * {@code labelColumn} (null: never labelled).
     */
    static CsvRows open(InputStream in, String source, String labelColumn) {
        try {
            return new CsvRows(in, source, labelColumn);
        } catch (RuntimeException e) {
            Inputs.closeQuietly(in);
            throw e;
        }
    }

    private CsvRows(InputStream in, String source, String labelColumn) {
        this.source = source;
        this.in = in;
        try {
            Inputs.skipBom(in);
            parser = CSVParser.builder()
                    .setReader(new LineBound(new InputStreamReader(in, StandardCharsets.UTF_8), MAX_LINE))
                    .setFormat(FORMAT)
                    .get();
            records = parser.iterator();
        } catch (IOException | UncheckedIOException e) {
            throw failure(e, 1);
        }
        CSVRecord header = next();
        String expected = (labelColumn == null ? "" : labelColumn + ",") + "pixel0,...";
        if (header == null) {
            throw new SinapseException(source + ": the file is empty (expected a header line " + expected + ")");
        }
        names = header.values();
        labelIndex = indexOf(labelColumn, expected);
        features = names.length - (labelIndex >= 0 ? 1 : 0);
        if (features == 0) {
            throw new SinapseException(source + " line " + line() + ": the header has no pixel columns (expected "
                    + expected + ")");
        }
    }

    private int indexOf(String labelColumn, String expected) {
        int found = -1;
        boolean allNumbers = true;
        for (int c = 0; c < names.length; c++) {
            if (names[c].equals(labelColumn)) {
                if (found >= 0) {
                    throw new SinapseException(source + " line " + line() + ": column '" + labelColumn
                            + "' appears twice in the header");
                }
                found = c;
            }
            allNumbers &= parse(names[c]) != NOT_AN_INTEGER;
        }
        if (allNumbers) {
            throw new SinapseException(source + " line " + line() + ": expected a header line " + expected
                    + ", found numbers (the file has no header)");
        }
        if (found < 0 && labelColumn != null) {
            // otherwise the column counts as a pixel and the file reads as unlabelled with one pixel too many
            for (String name : names) {
                if (name.strip().equalsIgnoreCase(labelColumn.strip())) {
                    throw new SinapseException(source + " line " + line() + ": the header has no '" + labelColumn
                            + "' column but has " + Messages.quote(name) + "; column names must match exactly (case and"
                            + " spaces): rename it '" + labelColumn + "'");
                }
            }
        }
        return found;
    }

    /** Pixels per row: every column but the label. */
    int features() {
        return features;
    }

    boolean labelled() {
        return labelIndex >= 0;
    }

    /** The header's column names. */
    String[] names() {
        return names.clone();
    }

    /** The label's column, or −1 for an unlabelled file. */
    int labelIndex() {
        return labelIndex;
    }

    /** The next record, with as many cells as the header (a ragged row is refused with its line); null at the end. */
    CSVRecord nextRecord() {
        CSVRecord record = next();
        if (record != null && record.size() != names.length) {
            throw new SinapseException(source + " line " + line() + ": expected " + names.length
                    + " columns, found " + record.size());
        }
        return record;
    }

    /**
     * Decodes up to {@code maxRows} rows: row r's pixels go to {@code X[xAt + r·features ...]} and its label to
     * {@code y[yAt + r]} (y is unused for an unlabelled file). Returns the number of rows read, 0 at the end.
     */
    int read(byte[] X, int xAt, byte[] y, int yAt, int maxRows) {
        int r = 0;
        CSVRecord record;
        while (r < maxRows && (record = nextRecord()) != null) {
            int x = xAt + r * features;
            for (int c = 0; c < names.length; c++) {
                String cell = record.get(c);
                int v = parse(cell);
                if (c == labelIndex) {
                    y[yAt + r] = (byte) check(v, cell, c, CLASSES - 1, "label");
                } else {
                    X[x++] = (byte) check(v, cell, c, 255, "pixel");
                }
            }
            r++;
        }
        return r;
    }

    private int check(int v, String cell, int column, int max, String what) {
        if (v == NOT_AN_INTEGER) {
            throw cellError(column, "expected an integer 0.." + max + ", found " + Messages.quote(cell));
        }
        if (v < 0 || v > max) {
            throw cellError(column, what + " " + Messages.clip(cell) + " outside 0.." + max);
        }
        return v;
    }

    /** "{@code <source> line N, column C: what}" for a cell of the record just read. */
    SinapseException cellError(int column, String what) {
        String name = names[column].isEmpty() ? "#" + (column + 1) : Messages.clip(names[column]);
        return new SinapseException(source + " line " + line() + ", column " + name + ": " + what);
    }

    /**
     * An optionally signed decimal integer, or {@link #NOT_AN_INTEGER}. Magnitudes past 10⁹ saturate: they are
     * out of range either way, and the message quotes the cell, not this value.
     */
    static int parse(String s) {
        int n = s.length();
        if (n == 1) {
            int d = s.charAt(0) - '0';
            return d >= 0 && d <= 9 ? d : NOT_AN_INTEGER;
        }
        int i = 0;
        boolean negative = false;
        if (n > 1 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        if (i == n) {
            return NOT_AN_INTEGER;
        }
        int v = 0;
        for (; i < n; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return NOT_AN_INTEGER;
            }
            v = v < 100_000_000 ? v * 10 + d : 1_000_000_000;
        }
        return negative ? -v : v;
    }

    private CSVRecord next() {
        try {
            return records.hasNext() ? records.next() : null;
        } catch (UncheckedIOException e) {
            throw failure(e, line());
        }
    }

    /** The physical line of the record just read. */
    private long line() {
        return parser == null ? 1 : parser.getCurrentLineNumber();
    }

    private SinapseException failure(Exception e, long line) {
        Throwable cause = e instanceof UncheckedIOException ? e.getCause() : e;
        if (cause instanceof Inputs.CorruptGzip) {
            return new SinapseException(source + ": the gzip stream is truncated or corrupt (line "
                    + ((Inputs.CorruptGzip) cause).line + ")", e);
        }
        if (cause instanceof LineBound.TooLong t) {
            return new SinapseException(source + " line " + t.line + ": longer than " + t.max
                    + " characters; expected one image per line (a few thousand characters)", e);
        }
        if (cause instanceof org.apache.commons.csv.CSVException) {
            // commons-csv names the line where the bad quoted value started: "(startline 3) EOF reached ..."
            Matcher m = START_LINE.matcher(String.valueOf(cause.getMessage()));
            if (m.matches()) {
                String what = m.group(2).startsWith("EOF reached before encapsulated token finished")
                        ? "a quoted value is not closed before the end of the file" : m.group(2);
                return new SinapseException(source + " line " + m.group(1) + ": " + Messages.oneLine(what), e);
            }
            return new SinapseException(source + " line " + line + ": " + Messages.oneLine(cause.getMessage()), e);
        }
        return new SinapseException(source + ": cannot read (line " + line + "): " + Messages.oneLine(cause.getMessage()), e);
    }

    @Override
    public void close() {
        Inputs.closeQuietly(in);
    }
}
