package dev.sinapse.io.data;

import dev.sinapse.api.SinapseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A data file's bytes as stored (compressed or not), hashed with SHA-256 while a reader consumes them: the
 * fingerprint a run records of its data, taken without reading the file a second time. Hand it to a reader's
 * stream entry point ({@link KaggleCsv#read(InputStream, String, String)}, {@link Idx#read(InputStream, String,
 * Path)}), then call {@link #finish()}.
 */
public final class Sha256Input extends DigestInputStream {
    private final String source;

    /** The bytes of {@code stored} (closed with this stream), named {@code source} in messages. */
    public Sha256Input(InputStream stored, String source) {
        super(stored, sha256());
        this.source = source;
    }

    /** The file, opened as the readers open it: a missing, unreadable or directory path fails saying which. */
    public static Sha256Input open(Path file) {
        return new Sha256Input(Inputs.openStored(file), Inputs.name(file));
    }

    /**
     * The SHA-256 (hex) of every byte of the stream. What the reader left unread (bytes after the end of a gzip
     * stream, say) is read first, so the digest is the whole file's wherever the reader stopped.
     */
    public String finish() {
        try {
            transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new SinapseException(source + ": cannot read: " + Messages.oneLine(e.getMessage()), e);
        }
        return HexFormat.of().formatHex(getMessageDigest().digest());
    }

    /** Closes the file: it was only read, so there is nothing to lose. */
    @Override
    public void close() {
        Inputs.closeQuietly(in);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
