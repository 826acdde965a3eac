package dev.sinapse.io.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.GzipBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IdxTest {
    @TempDir
    Path dir;

    /** A big-endian header (magic, then sizes) followed by {@code body}. */
    private static byte[] idx(int magic, int[] sizes, byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int s : sizes) {
            out.writeInt(s);
        }
        out.write(body);
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    /** Three 2×2 images with pixels 0, 10, ..., 110 row-major, and labels 7, 0, 9. */
    private Path images() throws IOException {
        byte[] pixels = new byte[12];
        for (int i = 0; i < 12; i++) {
            pixels[i] = (byte) (i * 10);
        }
        pixels[11] = (byte) 255;
        return write("images-idx3-ubyte", idx(0x803, new int[] {3, 2, 2}, pixels));
    }

    private Path labels() throws IOException {
        return write("labels-idx1-ubyte", idx(0x801, new int[] {3}, new byte[] {7, 0, 9}));
    }

    /** Reading the pair fails with a SinapseException saying exactly {@code message}. */
    private static void assertReadFails(Path images, Path labels, String message) {
        assertThatThrownBy(() -> Idx.read(images, labels))
                .isInstanceOf(SinapseException.class)
                .hasMessage(message);
    }

    @Test
    void readsImagesAsRowsWithTheirLabels() throws IOException {
        Dataset d = Idx.read(images(), labels());
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.features()).isEqualTo(4);
        assertThat(new int[] {d.label(0), d.label(1), d.label(2)}).containsExactly(7, 0, 9);
        assertThat(new int[] {d.pixel(0, 0), d.pixel(0, 3), d.pixel(1, 0), d.pixel(2, 2), d.pixel(2, 3)})
                .containsExactly(0, 30, 40, 100, 255);
    }

    @Test
    void readsTheImagesFromAStreamOfTheStoredBytesAndLeavesItOpen() throws IOException {
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(GzipBytes.of(Files.readAllBytes(images()))) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        Dataset d = Idx.read(in, "images.gz", labels());
        assertThat(d.source()).isEqualTo("images.gz");
        assertThat(d.size()).isEqualTo(3);
        assertThat(new int[] {d.label(0), d.label(1), d.label(2)}).containsExactly(7, 0, 9);
        assertThat(new int[] {d.pixel(0, 0), d.pixel(0, 3), d.pixel(1, 0), d.pixel(2, 2), d.pixel(2, 3)})
                .containsExactly(0, 30, 40, 100, 255);
        assertThat(closed[0]).isFalse();
    }

    @Test
    void readsGzippedFilesByTheirMagicBytes() throws IOException {
        Path images = write("images.gz", GzipBytes.of(Files.readAllBytes(images())));
        Path labels = write("labels.bin", GzipBytes.of(Files.readAllBytes(labels())));
        Dataset d = Idx.read(images, labels);
        assertThat(d.size()).isEqualTo(3);
        assertThat(new int[] {d.label(2), d.pixel(1, 1)}).containsExactly(9, 50);
    }

    @Test
    void rejectsAWrongMagicAndHintsAtSwappedFiles() throws IOException {
        Path images = images();
        Path labels = labels();
        assertThatThrownBy(() -> Idx.read(labels, images))
                .isInstanceOf(SinapseException.class)
                .hasMessageContaining(images + ": not an IDX labels file: expected magic 0x00000801, found 0x00000803");
    }

    @Test
    void rejectsDifferentCountsOfImagesAndLabels() throws IOException {
        Path labels = write("two-labels", idx(0x801, new int[] {2}, new byte[] {1, 2}));
        Path images = images();
        assertReadFails(images, labels, images + " holds 3 images but " + labels + " holds 2 labels");
    }

    /** A damaged images or labels file, read with a good partner; the message is its name, then {@code rest}. */
    record BadFile(String what, String kind, byte[] bytes, String rest) {
        @Override
        public String toString() {
            return kind + " file with " + what;
        }
    }

    static Stream<BadFile> badFiles() throws IOException {
        return Stream.of(
                new BadFile("a magic of another element type", "images", idx(0xC03, new int[] {3, 2, 2}, new byte[48]),
                        ": not an IDX images file: expected magic 0x00000803, found 0x00000c03"),
                new BadFile("fewer bytes than its header declares", "images", idx(0x803, new int[] {3, 2, 2}, new byte[8]),
                        ": the header declares 3 images of 2×2 (12 bytes) but the file holds only 8 bytes after the header"),
                new BadFile("a header claiming far more than the file holds (not allocated)", "labels",
                        idx(0x801, new int[] {2_000_000_000}, new byte[5]),
                        ": the header declares 2000000000 labels but the file holds only 5 bytes after the header"),
                new BadFile("a header claiming more than a dataset can hold", "images",
                        idx(0x803, new int[] {60000, 28000, 28}, new byte[16]),
                        ": the header declares 60000 images of 28000×28 (47040000000 bytes), more than"
                                + " one dataset can hold (2 GB)"),
                new BadFile("a header cut short", "images", new byte[] {0, 0, 8, 3, 0, 0},
                        ": the file ends inside its header (an IDX images header is 16 bytes)"),
                new BadFile("bytes past the declared end", "labels", idx(0x801, new int[] {3}, new byte[] {1, 2, 3, 4}),
                        ": the file is longer than its header declares (3 labels)"),
                new BadFile("a zero size", "images", idx(0x803, new int[] {3, 0, 2}, new byte[0]),
                        ": dimension 2 of the header is 0, expected a positive size"),
                new BadFile("a label outside the digits", "labels", idx(0x801, new int[] {3}, new byte[] {1, 10, 3}),
                        ": label 10 (item 1) outside 0..9"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void rejectsADamagedFileNamingIt(BadFile bad) throws IOException {
        Path file = write("bad-" + bad.kind(), bad.bytes());
        Path images = bad.kind().equals("images") ? file : images();
        Path labels = bad.kind().equals("labels") ? file : labels();
        assertReadFails(images, labels, file + bad.rest());
    }

    @Test
    void reportsATruncatedGzip() throws IOException {
        byte[] gz = GzipBytes.of(idx(0x803, new int[] {100, 28, 28}, new byte[78_400]));
        Path images = write("images.gz", java.util.Arrays.copyOf(gz, gz.length - 20));
        Path labels = write("labels", idx(0x801, new int[] {100}, new byte[100]));
        assertReadFails(images, labels, images + ": the gzip stream is truncated or corrupt");
    }

    @Test
    void reportsAMissingFileAsItself() throws IOException {
        Path images = dir.resolve("t10k-images-idx3-ubyte"), labels = dir.resolve("t10k-labels-idx1-ubyte");
        assertReadFails(images, labels, images + ": file not found");   // neither exists: the images are the one named
        write("t10k-images-idx3-ubyte", idx(0x803, new int[] {1, 2, 2}, new byte[4]));
        assertReadFails(images, labels, labels + ": file not found");
        write("t10k-labels-idx1-ubyte", idx(0x801, new int[] {1}, new byte[1]));
        Files.delete(images);
        assertReadFails(images, labels, images + ": file not found");
    }
}
