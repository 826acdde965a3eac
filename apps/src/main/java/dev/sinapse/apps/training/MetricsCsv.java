package dev.sinapse.apps.training;

import dev.sinapse.api.SinapseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a run's metrics.csv back (as {@link RunRecorder} writes it). Columns are found by their header names, so a
 * file with extra columns, or from before a column was added, still reads; a missing column, or an empty cell of an
 * optional column (the dev cells of a row without an evaluation), reads as NaN.
 */
public final class MetricsCsv {
    private static final List<String> REQUIRED = List.of("step", "loss", "train_accuracy");
    /** The largest magnitude read: a chart's axis must be able to span any two values. */
    static final double LARGEST = 1e300;
    static final int MAX_LINE = 1 << 16;

    private MetricsCsv() {
    }

    public static List<Metrics> read(Path file) {
        List<Metrics> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = readLine(in, file, 1);
            if (header == null) {
                throw new SinapseException(file + ": the file is empty (expected the header " + Metrics.CSV_HEADER + ")");
            }
            Map<String, Integer> col = new HashMap<>();
            String[] names = header.split(",", -1);
            for (int c = 0; c < names.length; c++) {
                col.put(names[c].trim(), c);
            }
            for (String r : REQUIRED) {
                if (!col.containsKey(r)) {
                    throw new SinapseException(file + " line 1: no '" + r + "' column (expected the header " + Metrics.CSV_HEADER + ")");
                }
            }
            String line;
            long n = 1;
            while ((line = readLine(in, file, n + 1)) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (cells.length != names.length) {
                    throw new SinapseException(file + " line " + n + ": expected " + names.length + " columns, found " + cells.length);
                }
                rows.add(new Metrics((long) number(cells, col, "step", file, n), (long) orNaN(cells, col, "epoch", file, n),
                        number(cells, col, "loss", file, n), number(cells, col, "train_accuracy", file, n),
                        orNaN(cells, col, "dev_loss", file, n), orNaN(cells, col, "dev_accuracy", file, n),
                        orNaN(cells, col, "learning_rate", file, n), orNaN(cells, col, "elapsed_seconds", file, n)));
            }
        } catch (NoSuchFileException e) {
            throw new SinapseException(file + ": no such file");
        } catch (IOException e) {
            throw new SinapseException(file + ": cannot read: " + e.getMessage());
        }
        return rows;
    }

    /**
     * Line {@code n} without its end (LF, CR LF or CR), or null at the end of the file. A metrics row is under 200
     * characters; a line longer than {@link #MAX_LINE} is refused as soon as it gets there, not read until the heap
     * runs out.
     */
    private static String readLine(BufferedReader in, Path file, long n) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); ; c = in.read()) {
            if (c < 0) {
                return b.length() == 0 ? null : b.toString();
            }
            if (c == '\n') {
                return b.toString();
            }
            if (c == '\r') {
                in.mark(1);
                if (in.read() != '\n') {
                    in.reset();
                }
                return b.toString();
            }
            if (b.length() == MAX_LINE) {
                throw new SinapseException(file + " line " + n + ": longer than " + MAX_LINE
                        + " characters; expected a metrics row (a step and a few numbers)");
            }
            b.append((char) c);
        }
    }

    private static double orNaN(String[] cells, Map<String, Integer> col, String name, Path file, long line) {
        return col.containsKey(name) && !cells[col.get(name)].isBlank() ? number(cells, col, name, file, line) : Double.NaN;
    }

    /**
     * The cell as a number. NaN stands for "not measured" (no dev set), except in the step. An infinity, or a value
     * beyond ±1e300 (two of which may span more than a double holds), is refused: there is no drawing it.
     */
    private static double number(String[] cells, Map<String, Integer> col, String name, Path file, long line) {
        String cell = cells[col.get(name)].trim();
        double v;
        try {
            v = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new SinapseException(file + " line " + line + ", column " + name + ": expected a number, found '" + cell + "'");
        }
        if (Double.isInfinite(v) || Double.isNaN(v) && name.equals("step")) {
            throw new SinapseException(file + " line " + line + ", column " + name + ": expected a finite number, found '" + cell + "'");
        }
        if (Math.abs(v) > LARGEST) {
            throw new SinapseException(file + " line " + line + ", column " + name + ": expected a number within ±1e300, found '"
                    + cell + "'");
        }
        return v;
    }
}
