package dev.sinapse.io.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Fifo;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.GzipBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class KaggleCsvTest {
    @TempDir
    Path dir;

    private static void assertSame(Dataset d, SyntheticCsv csv, boolean labelled) {
        assertThat(d.size()).isEqualTo(csv.rows);
        assertThat(d.features()).isEqualTo(csv.features);
        assertThat(d.hasLabels()).isEqualTo(labelled);
        for (int r = 0; r < csv.rows; r++) {
            if (labelled) {
                assertThat(d.label(r)).as("label of row %d", r).isEqualTo(csv.labels[r]);
            }
            int[] row = new int[csv.features];
            for (int j = 0; j < csv.features; j++) {
                row[j] = d.pixel(r, j);
            }
            assertThat(row).as("pixels of row %d", r).containsExactly(csv.pixels[r]);
        }
    }

    private Path file(String name, String text) throws IOException {
        return SyntheticCsv.write(dir.resolve(name), text);
    }

    private static String mnistHeader() {
        StringBuilder b = new StringBuilder("label");
        for (int j = 0; j < 784; j++) {
            b.append(",pixel").append(j);
        }
        return b.toString();
    }

    /** A 784-pixel row of zeros with {@code label}, and {@code value} in column pixel{@code at}. */
    private static String mnistRow(String label, int at, String value) {
        StringBuilder b = new StringBuilder(label);
        for (int j = 0; j < 784; j++) {
            b.append(',').append(j == at ? value : "0");
        }
        return b.toString();
    }

    @Test
    void readsLabelsAndPixelsAsWritten() throws IOException {
        SyntheticCsv csv = SyntheticCsv.random(20, 7, 1);
        Path f = file("train.csv", csv.text(true, "\n"));
        Dataset d = KaggleCsv.read(f, "label");
        assertSame(d, csv, true);
        assertThat(d.source()).isEqualTo(f.toString());
    }

    @Test
    void readsHandWrittenValuesAtTheirPlaces() throws IOException {
        Path f = file("tiny.csv", "label,pixel0,pixel1,pixel2\n7,0,255,12\n0,3,4,5\n");
        Dataset d = KaggleCsv.read(f, "label");
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.features()).isEqualTo(3);
        assertThat(new int[] {d.label(0), d.label(1)}).containsExactly(7, 0);
        assertThat(new int[] {d.pixel(0, 0), d.pixel(0, 1), d.pixel(0, 2)}).containsExactly(0, 255, 12);
        assertThat(new int[] {d.pixel(1, 0), d.pixel(1, 1), d.pixel(1, 2)}).containsExactly(3, 4, 5);
    }

    @Test
    void readsTheLabelFromAnyColumnAndThePixelsFromTheOthersInOrder() throws IOException {
        Path f = file("mid.csv", "pixel0,digit,pixel1\n10,4,20\n30,9,40\n");
        Dataset d = KaggleCsv.read(f, "digit");
        assertThat(d.features()).isEqualTo(2);
        assertThat(new int[] {d.label(0), d.label(1)}).containsExactly(4, 9);
        assertThat(new int[] {d.pixel(0, 0), d.pixel(0, 1), d.pixel(1, 0), d.pixel(1, 1)}).containsExactly(10, 20, 30, 40);
    }

    @Test
    void readsAFileWithoutTheLabelColumnAsUnlabelled() throws IOException {
        SyntheticCsv csv = SyntheticCsv.random(15, 6, 2);
        Dataset d = KaggleCsv.read(file("test.csv", csv.text(false, "\n")), "label");
        assertSame(d, csv, false);
    }

    @Test
    void acceptsAByteOrderMarkAndCrlfLineEnds() throws IOException {
        SyntheticCsv csv = SyntheticCsv.random(12, 5, 3);
        Dataset d = KaggleCsv.read(file("bom.csv", "\uFEFF" + csv.text(true, "\r\n")), "label");
        assertSame(d, csv, true);
    }

    @Test
    void acceptsALastLineWithoutLineEnd() throws IOException {
        Dataset d = KaggleCsv.read(file("noeol.csv", "label,pixel0\n1,2\n3,4"), "label");
        assertThat(new int[] {d.label(1), d.pixel(1, 0)}).containsExactly(3, 4);
    }

    @Test
    void detectsGzipByItsMagicBytesNotByTheName() throws IOException {
        SyntheticCsv csv = SyntheticCsv.random(30, 9, 4);
        byte[] plain = csv.text(true, "\n").getBytes(StandardCharsets.UTF_8);
        Path gzipNamedCsv = Files.write(dir.resolve("train.csv"), GzipBytes.of(plain));
        Path plainNamedGz = Files.write(dir.resolve("other.csv.gz"), plain);
        assertSame(KaggleCsv.read(gzipNamedCsv, "label"), csv, true);
        assertSame(KaggleCsv.read(plainNamedGz, "label"), csv, true);
    }

    @Test
    void readsALargeFileBackEqual() throws IOException {
        SyntheticCsv csv = SyntheticCsv.random(5000, 784, 5);
        Path f = file("big.csv", csv.text(true, "\n"));
        assertSame(KaggleCsv.read(f, "label"), csv, true);
    }

    @Test
    void readsAStreamWithoutClosingIt() {
        SyntheticCsv csv = SyntheticCsv.random(8, 4, 6);
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(csv.gzipped()) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        Dataset d = KaggleCsv.read(in, "bundled mnist-8k", "label");
        assertSame(d, csv, true);
        assertThat(d.source()).isEqualTo("bundled mnist-8k");
        assertThat(closed[0]).isFalse();
    }

    /** A pipe has no position: it must be read as a stream (this once failed with "Illegal seek" at the first refill). */
    @Test
    @Timeout(30)
    void readsAFifoPlainOrGzippedAsAStream() throws Exception {
        assumeTrue(Fifo.available(), "no mkfifo here");
        SyntheticCsv csv = SyntheticCsv.random(400, 784, 8);   // ~800 KB: many refills of the 64 KB buffers
        byte[] plain = csv.text(true, "\n").getBytes(StandardCharsets.US_ASCII);
        try (Fifo fifo = Fifo.feeding(dir.resolve("digits.fifo"), plain)) {
            Dataset d = KaggleCsv.read(fifo.path(), "label");
            assertSame(d, csv, true);
            assertThat(d.source()).isEqualTo(fifo.path().toString());
        }
        try (Fifo fifo = Fifo.feeding(dir.resolve("digits-gz.fifo"), csv.gzipped());
                KaggleCsv.Batches batches = KaggleCsv.open(fifo.path(), "label", 64)) {
            int rows = 0;
            for (Dataset b = batches.next(); b != null; b = batches.next()) {
                rows += b.size();
            }
            assertThat(rows).isEqualTo(400);
        }
    }

    @Test
    void readsStandardInputForADash() {
        SyntheticCsv csv = SyntheticCsv.random(30, 5, 9);
        InputStream before = System.in;
        System.setIn(new ByteArrayInputStream(csv.gzipped()));
        try {
            Dataset d = KaggleCsv.read(Path.of("-"), "label");
            assertSame(d, csv, true);
            assertThat(d.source()).isEqualTo("stdin");
        } finally {
            System.setIn(before);
        }
        System.setIn(new ByteArrayInputStream("label,pixel0\n3,x\n".getBytes(StandardCharsets.US_ASCII)));
        try {
            assertThatThrownBy(() -> KaggleCsv.read(Path.of("-"), "label"))
                    .hasMessage("stdin line 2, column pixel0: expected an integer 0..255, found 'x'");
        } finally {
            System.setIn(before);
        }
    }

    @Test
    void streamsAllRowsInOrderInBatches() throws IOException {
        SyntheticCsv csv = SyntheticCsv.random(10, 3, 7);
        Path f = file("predict.csv", csv.text(true, "\n"));
        List<Integer> sizes = new ArrayList<>();
        int row = 0;
        try (KaggleCsv.Batches batches = KaggleCsv.open(f, "label", 4)) {
            assertThat(batches.features()).isEqualTo(3);
            assertThat(batches.hasLabels()).isTrue();
            for (Dataset b = batches.next(); b != null; b = batches.next()) {
                sizes.add(b.size());
                for (int r = 0; r < b.size(); r++, row++) {
                    assertThat(b.label(r)).isEqualTo(csv.labels[row]);
                    assertThat(new int[] {b.pixel(r, 0), b.pixel(r, 1), b.pixel(r, 2)}).containsExactly(csv.pixels[row]);
                }
            }
            assertThat(batches.next()).isNull();
        }
        assertThat(sizes).containsExactly(4, 4, 2);
        assertThat(row).isEqualTo(10);
    }

    @Test
    void streamingChecksTheHeaderOnOpenAndReportsAnEmptyBody() throws IOException {
        Path empty = file("empty.csv", "");
        assertThatThrownBy(() -> KaggleCsv.open(empty, "label", 10))
                .isInstanceOf(SinapseException.class)
                .hasMessage(empty + ": the file is empty (expected a header line label,pixel0,...)");
        Path headerOnly = file("header.csv", "label,pixel0\n");
        try (KaggleCsv.Batches batches = KaggleCsv.open(headerOnly, "label", 10)) {
            assertThatThrownBy(batches::next).hasMessage(headerOnly + ": no data rows after the header");
        }
    }

    /** What is wrong, the file's text, and the message after the file's name. */
    static Stream<Arguments> malformedFiles() {
        return Stream.of(
                malformed("a row with the wrong number of columns", fifteenRowsThenOneWithoutLabel(),
                        " line 17: expected 785 columns, found 784"),
                malformed("a non-integer pixel",
                        mnistHeader() + "\n" + mnistRow("1", 0, "0") + "\n" + mnistRow("2", 12, "3.5") + "\n",
                        " line 3, column pixel12: expected an integer 0..255, found '3.5'"),
                malformed("a label outside the ten digits", "label,pixel0\n3,0\n12,0\n",
                        " line 3, column label: label 12 outside 0..9"),
                malformed("a non-integer label", "label,pixel0\nseven,0\n",
                        " line 2, column label: expected an integer 0..9, found 'seven'"),
                malformed("a pixel above the byte range", "label,pixel0,pixel1\n3,0,300\n",
                        " line 2, column pixel1: pixel 300 outside 0..255"),
                malformed("a pixel below the byte range", "label,pixel0,pixel1\n3,-1,0\n",
                        " line 2, column pixel0: pixel -1 outside 0..255"),
                malformed("an empty pixel cell", "label,pixel0,pixel1\n3,,0\n",
                        " line 2, column pixel0: expected an integer 0..255, found ''"),
                malformed("a bad value after skipped blank lines (physical lines count)",
                        "label,pixel0\r\n1,2\r\n\r\n3,4\r\n\r\n5,x\r\n",
                        " line 6, column pixel0: expected an integer 0..255, found 'x'"),
                malformed("an empty file", "", ": the file is empty (expected a header line label,pixel0,...)"),
                malformed("only a header", "label,pixel0,pixel1\r\n", ": no data rows after the header"),
                malformed("a first line of data, not a header", "1,0,0\n2,0,0\n",
                        " line 1: expected a header line label,pixel0,..., found numbers (the file has no header)"),
                malformed("the label column twice", "label,pixel0,label\n1,2,3\n",
                        " line 1: column 'label' appears twice in the header"),
                malformed("a label column named in another case", "Label,pixel0\n1,2\n",
                        " line 1: the header has no 'label' column but has 'Label'; column names must match exactly"
                                + " (case and spaces): rename it 'label'"),
                malformed("a label column with a space", "pixel0, label\n1,2\n",
                        " line 1: the header has no 'label' column but has ' label'; column names must match exactly"
                                + " (case and spaces): rename it 'label'"),
                malformed("an unclosed quote", "label,pixel0\n1,2\n3,\"4\n",
                        " line 3: a quoted value is not closed before the end of the file"));
    }

    private static Arguments malformed(String what, String text, String rest) {
        return Arguments.of(what, text, rest);
    }

    /** Fifteen good MNIST rows (lines 2..16), then on line 17 one without its label: 784 columns. */
    private static String fifteenRowsThenOneWithoutLabel() {
        StringBuilder b = new StringBuilder(mnistHeader()).append('\n');
        for (int line = 2; line <= 16; line++) {
            b.append(mnistRow("1", 0, "0")).append('\n');
        }
        return b.append(mnistRow("1", 0, "0").substring(2)).append('\n').toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFiles")
    void rejectsAMalformedFileNamingTheLineAndColumn(String what, String text, String rest) throws IOException {
        assertReadFails(file("train.csv", text), rest);
    }

    /**
     * Files without the line breaks a reader expects, endless and gzipped: each fails at the bound, naming the line,
     * after reading about a megabyte, instead of filling the heap with one line.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a header without end           | label,pixel0         | ,pixel                | 1
            a data line without end        | label,pixel0\\n1,0\\n | 0,                    | 3
            one cell without end           | label,pixel0\\n3,     | 0                     | 2
            a quoted value spanning lines  | label,pixel0\\n3,"    | '0\\n'                 | 2
            a lone CR is a line break too  | label,pixel0\\r3,0\\r4,| 0                     | 3
            """)
    @Timeout(10)
    void aLineLongerThanTheBoundFailsNamingItsLineAfterAMegabyte(String what, String head, String repeated, int line) {
        EndlessGzip bomb = new EndlessGzip(head.replace("\\n", "\n").replace("\\r", "\r"), repeated.replace("\\n", "\n"));
        assertThatThrownBy(() -> KaggleCsv.read(bomb, "bomb.csv.gz", "label"))
                .isInstanceOf(SinapseException.class)
                .hasMessage("bomb.csv.gz line " + line + ": longer than " + CsvRows.MAX_LINE
                        + " characters; expected one image per line (a few thousand characters)");
        assertThat(bomb.inflated()).isLessThan(4L * CsvRows.MAX_LINE);
    }

    @Test
    @Timeout(10)
    void devZeroIsOneEndlessLine() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero), "no /dev/zero here");
        assertThatThrownBy(() -> KaggleCsv.read(zero, "label")).hasMessage("/dev/zero line 1: longer than " + CsvRows.MAX_LINE
                + " characters; expected one image per line (a few thousand characters)");
    }

    @Test
    void theBoundCountsRecordsNotFiles() throws IOException {
        // many lines of which none is long, ended by CR alone (as old Macs wrote them), and quoted line breaks
        SyntheticCsv csv = SyntheticCsv.random(800, 784, 10);
        String text = csv.text(true, "\r");
        assertThat(text.length()).isGreaterThan(CsvRows.MAX_LINE);
        assertSame(KaggleCsv.read(file("cr.csv", text), "label"), csv, true);
        Dataset quoted = KaggleCsv.read(file("quoted.csv", "\"la\nbel\",\"pix\"\"el0\"\n1,2\n"), "la\nbel");
        assertThat(quoted.size()).isEqualTo(1);
        assertThat(quoted.pixel(0, 0)).isEqualTo(2);
    }

    @Test
    void reportsAMissingFile() {
        assertReadFails(dir.resolve("train.csv"), ": file not found");
    }

    @Test
    void reportsATruncatedGzipWithTheLineItStoppedIn() throws IOException {
        byte[] gz = SyntheticCsv.random(400, 50, 8).gzipped();
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        // The line it stops in: one past the complete lines among the bytes that still inflate.
        long lines = 1 + count(recoverable(cut), (byte) '\n');
        assertReadFails(Files.write(dir.resolve("train.csv.gz"), cut),
                ": the gzip stream is truncated or corrupt (line " + lines + ")");
    }

    @Test
    void reportsACorruptGzip() throws IOException {
        byte[] gz = SyntheticCsv.random(200, 50, 9).gzipped();
        for (int i = gz.length / 3; i < gz.length / 3 + 64; i++) {
            gz[i] = (byte) ~gz[i];
        }
        Path f = Files.write(dir.resolve("train.csv.gz"), gz);
        assertThatThrownBy(() -> KaggleCsv.read(f, "label"))
                .isInstanceOf(SinapseException.class)
                .hasMessageMatching(java.util.regex.Pattern.quote(f.toString())
                        + ": the gzip stream is truncated or corrupt \\(line \\d+\\)");
    }

    @Test
    void reportsAGzipCutInsideItsHeader() throws IOException {
        assertReadFails(Files.write(dir.resolve("train.csv.gz"), new byte[] {0x1f, (byte) 0x8b, 8}),
                ": the gzip stream is truncated or corrupt");
    }

    /** Reading {@code f} fails with a SinapseException: the file's name, then {@code rest}. */
    private static void assertReadFails(Path f, String rest) {
        assertThatThrownBy(() -> KaggleCsv.read(f, "label"))
                .isInstanceOf(SinapseException.class)
                .hasMessage(f + rest);
    }

    private static byte[] recoverable(byte[] gz) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            byte[] buf = new byte[1];
            while (in.read(buf) > 0) {
                out.write(buf[0]);
            }
        } catch (EOFException expected) {
            // the cut
        }
        return out.toByteArray();
    }

    private static long count(byte[] bytes, byte b) {
        long n = 0;
        for (byte x : bytes) {
            n += x == b ? 1 : 0;
        }
        return n;
    }
}
