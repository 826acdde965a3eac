package dev.sinapse.io.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * A gzip stream of {@code head} followed by {@code repeated} forever, compressed as it is read: a file of any size
 * (a "4 GB line") for the price of the part a reader actually consumes. {@link #inflated()} says how much that was.
 */
final class EndlessGzip extends InputStream {
    private static final int CHUNK = 1 << 16;

    private final ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    private final GZIPOutputStream gzip;
    private final byte[] chunk;
    private byte[] ready = new byte[0];
    private int at;
    private long inflated;

    EndlessGzip(String head, String repeated) {
        try {
            gzip = new GZIPOutputStream(compressed, CHUNK, true);
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            gzip.write(h);
            inflated = h.length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] r = repeated.getBytes(StandardCharsets.US_ASCII);
        chunk = new byte[CHUNK / r.length * r.length];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = r[i % r.length];
        }
    }

    /** Uncompressed bytes handed to the compressor so far: an upper bound on what the reader has consumed. */
    long inflated() {
        return inflated;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (at == ready.length) {
            gzip.write(chunk);
            gzip.flush();   // a sync flush: everything written so far can be inflated
            inflated += chunk.length;
            ready = compressed.toByteArray();
            compressed.reset();
            at = 0;
        }
        int n = Math.min(len, ready.length - at);
        System.arraycopy(ready, at, b, off, n);
        at += n;
        return n;
    }
}
