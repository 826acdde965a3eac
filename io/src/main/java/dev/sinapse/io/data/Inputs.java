package dev.sinapse.io.data;

import dev.sinapse.api.SinapseException;
import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Opens data files: plain or gzip, told apart by the gzip magic bytes (1f 8b) rather than by the name, so a
 * renamed file still reads. Errors of the gzip layer are marked ({@link CorruptGzip}) so a reader can say
 * "truncated or corrupt" instead of echoing a zlib message.
 */
final class Inputs {
    private static final int BUFFER = 1 << 16;

    private Inputs() {
    }

    /** The file's bytes, decompressed if it is gzip. */
    static InputStream open(Path file) {
        InputStream raw = openStored(file);
        try {
            return decode(raw, name(file));
        } catch (RuntimeException e) {
            closeQuietly(raw);
            throw e;
        }
    }

    /**
     * The file's bytes as stored (compressed or not); a file that cannot be opened fails saying why. "-" is standard
     * input (left open). A pipe, a FIFO or a device ({@code /dev/stdin}) is read as a stream, never sought in.
     */
    static InputStream openStored(Path file) {
        if (isStdin(file)) {
            return unclosed(System.in);
        }
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw new SinapseException(source + ": is a directory, not a file");
        }
        try {
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                // Files.newInputStream answers available() from the channel's size and position, and a pipe has
                // no position ("Illegal seek"); FileInputStream asks the pipe how much it holds
                return new FileInputStream(file.toFile());
            }
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new SinapseException(source + ": file not found");
        } catch (AccessDeniedException e) {
            throw new SinapseException(source + ": permission denied");
        } catch (FileNotFoundException e) {
            // FileInputStream's only failure: "<path> (reason)"
            String m = String.valueOf(e.getMessage());
            String reason = m.startsWith(file.toString() + " (") && m.endsWith(")")
                    ? m.substring(file.toString().length() + 2, m.length() - 1) : m;
            throw new SinapseException(source + ": cannot open: " + reason, e);
        } catch (IOException e) {
            throw new SinapseException(source + ": cannot open: " + e.getMessage(), e);
        }
    }

    /** "-", which stands for standard input where a data file is named on the command line. */
    static boolean isStdin(Path file) {
        return file.toString().equals("-");
    }

    /** The name messages give {@code file}: its path, or "stdin" for "-". */
    static String name(Path file) {
        return isStdin(file) ? "stdin" : file.toString();
    }

    /** {@code in}, except that closing the result leaves it open: for a stream the caller opened and closes. */
    static InputStream unclosed(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {
                // the caller's stream; only the buffers and inflater above it are released
            }
        };
    }

    /** {@code raw} buffered, and gunzipped when it starts with the gzip magic. Closing the result closes raw. */
    static InputStream decode(InputStream raw, String source) {
        BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 != 0x1f || b1 != 0x8b) {
                return in;
            }
            return new BufferedInputStream(new GzipGuard(new GZIPInputStream(in, BUFFER)), BUFFER);
        } catch (IOException e) {
            throw new SinapseException(source + ": the gzip stream is truncated or corrupt", e);
        }
    }

    /** Skips a UTF-8 byte order mark (EF BB BF) if {@code in} starts with one. */
    static void skipBom(InputStream in) throws IOException {
        in.mark(3);
        if (in.read() != 0xEF || in.read() != 0xBB || in.read() != 0xBF) {
            in.reset();
        }
    }

    static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was written; there is nothing to lose
        }
    }

    /** An IOException raised while inflating: the gzip data is cut short or damaged. */
    static final class CorruptGzip extends IOException {
        /** The text line the damage is in: one past the line breaks inflated before it. */
        final long line;

        CorruptGzip(IOException cause, long line) {
            super(cause.getMessage(), cause);
            this.line = line;
        }
    }

    /**
     * Re-labels the inflater's IOExceptions as {@link CorruptGzip}, with the line they happened in. Everything
     * inflated before the failure has been consumed by then (the readers above drain their buffers before
     * asking for more), so counting the line breaks passed up gives the exact line.
     */
    private static final class GzipGuard extends FilterInputStream {
        private long newlines;

        GzipGuard(InputStream in) {
            super(in);
        }

        /**
         * 0, so a BufferedInputStream above asks for one read at a time: otherwise it keeps reading while
         * the inflater claims more, and the bytes of a truncated file's last good reads are lost with the
         * exception.
         */
        @Override
        public int available() {
            return 0;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                throw new CorruptGzip(e, newlines + 1);
            }
            for (int i = off; i < off + n; i++) {
                newlines += b[i] == '\n' ? 1 : 0;
            }
            return n;
        }
    }
}
