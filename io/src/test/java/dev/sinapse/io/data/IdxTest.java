package dev.sinapse.io.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.SinapseException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void readsGzippedFilesByTheirMagicBytes() throws IOException {
        Path images = write("images.gz", SyntheticCsv.gzip(Files.readAllBytes(images())));
        Path labels = write("labels.bin", SyntheticCsv.gzip(Files.readAllBytes(labels())));
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
        Path ints = write("ints-idx3", idx(0xC03, new int[] {3, 2, 2}, new byte[48]));
        assertThatThrownBy(() -> Idx.read(ints, labels))
                .hasMessage(ints + ": not an IDX images file: expected magic 0x00000803, found 0x00000c03");
    }

    @Test
    void rejectsDifferentCountsOfImagesAndLabels() throws IOException {
        Path labels = write("two-labels", idx(0x801, new int[] {2}, new byte[] {1, 2}));
        Path images = images();
        assertThatThrownBy(() -> Idx.read(images, labels))
                .hasMessage(images + " holds 3 images but " + labels + " holds 2 labels");
    }

    @Test
    void rejectsAFileShorterThanItsHeaderDeclares() throws IOException {
        Path images = write("short-images", idx(0x803, new int[] {3, 2, 2}, new byte[8]));
        Path labels = labels();
        assertThatThrownBy(() -> Idx.read(images, labels))
                .hasMessage(images + ": the header declares 3 images of 2×2 (12 bytes) but the file holds only 8"
                        + " bytes after the header");
    }

    @Test
    void rejectsAHeaderThatClaimsFarMoreThanTheFileWithoutAllocatingIt() throws IOException {
        Path labels = write("many-labels", idx(0x801, new int[] {2_000_000_000}, new byte[5]));
        assertThatThrownBy(() -> Idx.read(images(), labels))
                .hasMessage(labels + ": the header declares 2000000000 labels but the file holds only 5 bytes after"
                        + " the header");
        Path huge = write("huge-images", idx(0x803, new int[] {60000, 28000, 28}, new byte[16]));
        Path three = labels();
        assertThatThrownBy(() -> Idx.read(huge, three))
                .hasMessage(huge + ": the header declares 60000 images of 28000×28 (47040000000 bytes), more than"
                        + " one dataset can hold (2 GB)");
    }

    @Test
    void rejectsAHeaderCutShort() throws IOException {
        Path images = write("cut", new byte[] {0, 0, 8, 3, 0, 0});
        Path labels = labels();
        assertThatThrownBy(() -> Idx.read(images, labels))
                .hasMessage(images + ": the file ends inside its header (an IDX images header is 16 bytes)");
    }

    @Test
    void rejectsBytesPastTheDeclaredEnd() throws IOException {
        Path labels = write("long-labels", idx(0x801, new int[] {3}, new byte[] {1, 2, 3, 4}));
        assertThatThrownBy(() -> Idx.read(images(), labels))
                .hasMessage(labels + ": the file is longer than its header declares (3 labels)");
    }

    @Test
    void rejectsZeroSizesAndLabelsOutsideTheDigits() throws IOException {
        Path empty = write("zero-images", idx(0x803, new int[] {3, 0, 2}, new byte[0]));
        Path labels = labels();
        assertThatThrownBy(() -> Idx.read(empty, labels))
                .hasMessage(empty + ": dimension 2 of the header is 0, expected a positive size");
        Path ten = write("ten-labels", idx(0x801, new int[] {3}, new byte[] {1, 10, 3}));
        assertThatThrownBy(() -> Idx.read(images(), ten))
                .hasMessage(ten + ": label 10 (item 1) outside 0..9");
    }

    @Test
    void reportsATruncatedGzip() throws IOException {
        byte[] gz = SyntheticCsv.gzip(idx(0x803, new int[] {100, 28, 28}, new byte[78_400]));
        Path images = write("images.gz", java.util.Arrays.copyOf(gz, gz.length - 20));
        Path labels = write("labels", idx(0x801, new int[] {100}, new byte[100]));
        assertThatThrownBy(() -> Idx.read(images, labels))
                .isInstanceOf(SinapseException.class)
                .hasMessage(images + ": the gzip stream is truncated or corrupt");
    }

    @Test
    void reportsAMissingFile() {
        Path missing = dir.resolve("t10k-labels-idx1-ubyte");
        assertThatThrownBy(() -> Idx.read(dir.resolve("x"), missing))
                .isInstanceOf(SinapseException.class)
                .hasMessage(missing + ": file not found");
    }
}
