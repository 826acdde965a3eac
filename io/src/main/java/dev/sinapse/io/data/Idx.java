package dev.sinapse.io.data;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.SinapseException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun): big-endian headers, then unsigned bytes.
 * <pre>
 * images: 0x00000803, count, rows, columns, then count·rows·columns pixels, row-major
 * labels: 0x00000801, count, then count labels
 * </pre>
 * Plain or gzip (told by the magic bytes). The header is not trusted for allocation: pixels are read in blocks
 * as they arrive, so a header that claims more than the file holds is an error, not an OutOfMemoryError.
 */
public final class Idx {
    private static final int IMAGES = 0x00000803;
    private static final int LABELS = 0x00000801;
    private static final int BLOCK = 1 << 20;

    private Idx() {
    }

    /**
     * The images as rows of rows·columns pixels, each with its label. The images file is opened first, so a missing
     * one is named as itself, not as the labels file looked for beside it.
     */
    public static Dataset read(Path images, Path labels) {
        String source = images.toString();
        try (InputStream in = Inputs.open(images)) {
            byte[] y = readLabels(labels);
            return readImages(in, source, y, labels);
        } catch (IOException e) {
            throw failure(source, e);
        }
    }

    /**
     * As {@link #read(Path, Path)}, the images from a stream of the file's bytes as stored (plain or gzip), named
     * {@code source} in messages; the labels file is read first. Does not close {@code images}.
     */
    public static Dataset read(InputStream images, String source, Path labels) {
        byte[] y = readLabels(labels);
        try (InputStream in = Inputs.decode(Inputs.unclosed(images), source)) {
            return readImages(in, source, y, labels);
        } catch (IOException e) {
            throw failure(source, e);
        }
    }

    private static Dataset readImages(InputStream in, String source, byte[] y, Path labels) throws IOException {
        int[] header = header(in, source, IMAGES, 3, "images");
        int count = header[0];
        long features = (long) header[1] * header[2];
        long declared = count * features;
        String what = count + " images of " + header[1] + "×" + header[2] + " (" + declared + " bytes)";
        if (declared > ByteChunks.MAX_ARRAY) {
            throw new SinapseException(source + ": the header declares " + what
                    + ", more than one dataset can hold (2 GB)");
        }
        if (count != y.length) {
            throw new SinapseException(source + " holds " + count + " images but " + labels + " holds "
                    + y.length + " labels");
        }
        byte[] X = body(in, source, declared, what);
        int[] Y = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            Y[i] = y[i];
        }
        return new PixelDataset(source, (int) features, X, Y);
    }

    private static byte[] readLabels(Path labels) {
        String source = labels.toString();
        try (InputStream in = Inputs.open(labels)) {
            int count = header(in, source, LABELS, 1, "labels")[0];
            byte[] y = body(in, source, count, count + " labels");
            for (int i = 0; i < y.length; i++) {
                if (y[i] < 0 || y[i] >= CsvRows.CLASSES) {
                    throw new SinapseException(source + ": label " + (y[i] & 0xFF) + " (item " + i + ") outside 0.."
                            + (CsvRows.CLASSES - 1));
                }
            }
            return y;
        } catch (IOException e) {
            throw failure(source, e);
        }
    }

    /** Checks the magic and reads the dimensions, each at least 1. */
    private static int[] header(InputStream in, String source, int magic, int dimensions, String kind)
            throws IOException {
        int found;
        int[] sizes = new int[dimensions];
        try {
            found = readInt(in);
            if (found != magic) {
                throw new SinapseException(source + ": not an IDX " + kind + " file: expected magic "
                        + hex(magic) + ", found " + hex(found) + hint(found, magic));
            }
            for (int d = 0; d < dimensions; d++) {
                sizes[d] = readInt(in);
            }
        } catch (EOFException e) {
            throw new SinapseException(source + ": the file ends inside its header (an IDX " + kind + " header is "
                    + 4 * (dimensions + 1) + " bytes)");
        }
        for (int d = 0; d < dimensions; d++) {
            if (sizes[d] <= 0) {
                throw new SinapseException(source + ": dimension " + (d + 1) + " of the header is "
                        + Integer.toUnsignedString(sizes[d]) + ", expected a positive size");
            }
        }
        return sizes;
    }

    private static String hint(int found, int expected) {
        if (found == LABELS && expected == IMAGES) {
            return " (a labels file: are images and labels swapped?)";
        }
        if (found == IMAGES && expected == LABELS) {
            return " (an images file: are images and labels swapped?)";
        }
        return "";
    }

    /** Exactly {@code declared} bytes, then the end of the file. */
    private static byte[] body(InputStream in, String source, long declared, String what) throws IOException {
        ByteChunks data = new ByteChunks(1, BLOCK);
        while (data.size() < declared) {
            byte[] block = data.block();
            int want = (int) Math.min(data.free(), declared - data.size());
            int n = in.read(block, data.position(), want);
            if (n < 0) {
                throw new SinapseException(source + ": the header declares " + what + " but the file holds only "
                        + data.size() + " bytes after the header");
            }
            data.advance(n);
        }
        if (in.read() >= 0) {
            throw new SinapseException(source + ": the file is longer than its header declares (" + what + ")");
        }
        return data.toArray();
    }

    private static int readInt(InputStream in) throws IOException {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            v = v << 8 | b;
        }
        return v;
    }

    private static String hex(int v) {
        return String.format("0x%08x", v);
    }

    private static SinapseException failure(String source, IOException e) {
        if (e instanceof Inputs.CorruptGzip) {
            return new SinapseException(source + ": the gzip stream is truncated or corrupt", e);
        }
        return new SinapseException(source + ": cannot read: " + Messages.oneLine(e.getMessage()), e);
    }
}
