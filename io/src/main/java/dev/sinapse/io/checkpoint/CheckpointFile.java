package dev.sinapse.io.checkpoint;

import dev.sinapse.io.files.AtomicFiles;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.proto.Checkpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Reads and writes a {@link Checkpoint} in its file envelope. Layout, big-endian, 52-byte header:
 * <pre>
 * offset  size  field
 *      0     8  magic: 0x89 'S' 'N' 'P' '\r' '\n' 0x1A '\n'
 *      8     4  format version, uint32 (CheckpointFormat.CURRENT_VERSION when written)
 *     12     8  payload length in bytes, uint64
 *     20    32  SHA-256 of the payload
 *     52     n  payload: the serialized Checkpoint (protobuf), whose format_version equals the header's
 * </pre>
 * The magic follows PNG: the high-bit first byte catches 7-bit transfers, "\r\n" and "\n" catch newline
 * conversion, 0x1A stops a DOS {@code type}; a checkpoint mangled as text fails at the magic, not deep in protobuf.
 *
 * <p>SHA-256 rather than CRC32C: both catch a damaged file, but a model is read rarely and is small next to the
 * training that made it, so the speed of CRC32C buys nothing, while a SHA-256 also names the payload (two
 * users can compare it) and has no realistic collisions. It is not a signature: anyone can recompute it, so
 * {@link #read} stays safe on hostile files by checking every length against the real file size before
 * allocating, never by trusting the checksum.
 */
public final class CheckpointFile {
    static final byte[] MAGIC = {(byte) 0x89, 'S', 'N', 'P', '\r', '\n', 0x1A, '\n'};
    static final int HEADER_BYTES = MAGIC.length + 4 + 8 + 32;
    /** A Java array and a protobuf message both stop at 2 GiB; the margin keeps clear of VM array limits. */
    static final long MAX_PAYLOAD_BYTES = Integer.MAX_VALUE - 1024;

    private CheckpointFile() {
    }

    /**
     * Writes {@code ckpt} atomically: a crash or a failure leaves the previous {@code file} as it was. A
     * {@code format_version} of 0 is stamped with the current version.
     *
     * @throws SinapseException "cannot write checkpoint &lt;file&gt;: &lt;reason&gt;"
     * @throws IllegalArgumentException if {@code ckpt} claims a format version this code does not write
     */
    public static void write(Path file, Checkpoint ckpt) {
        int version = ckpt.getFormatVersion();
        if (version != 0 && version != CheckpointFormat.CURRENT_VERSION) {
            throw new IllegalArgumentException("cannot write checkpoint format " + Integer.toUnsignedString(version)
                    + ", only " + CheckpointFormat.CURRENT_VERSION);
        }
        Checkpoint stamped = version != 0 ? ckpt
                : ckpt.toBuilder().setFormatVersion(CheckpointFormat.CURRENT_VERSION).build();
        int size = stamped.getSerializedSize();
        if (size < 0 || size > MAX_PAYLOAD_BYTES) {
            throw new SinapseException("cannot write checkpoint " + file + ": it would exceed the "
                    + MAX_PAYLOAD_BYTES + "-byte limit");
        }
        byte[] payload = stamped.toByteArray();
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
        header.put(MAGIC).putInt(CheckpointFormat.CURRENT_VERSION).putLong(payload.length).put(sha256(payload));
        header.flip();
        try {
            AtomicFiles.write(file, header, ByteBuffer.wrap(payload));
        } catch (IOException e) {
            throw new SinapseException("cannot write checkpoint " + file + ": " + AtomicFiles.describe(e), e);
        }
    }

    /**
     * Reads a checkpoint, verifying magic, version, length and checksum before parsing. Safe on untrusted
     * files: every failure, whatever the bytes, is a one-line {@link SinapseException} starting with the file.
     */
    public static Checkpoint read(Path file) {
        if (!Files.exists(file)) {
            throw fail(file, "no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw fail(file, "not a regular file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return decode(file, ch);
        } catch (IOException e) {
            throw fail(file, "cannot read: " + AtomicFiles.describe(e));
        }
    }

    private static Checkpoint decode(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0) {
            throw fail(file, "empty file, not a Sinapse checkpoint");
        }
        ByteBuffer header = ByteBuffer.allocate((int) Math.min(size, HEADER_BYTES)).order(ByteOrder.BIG_ENDIAN);
        readFully(file, ch, header, 0);
        for (int i = 0; i < Math.min(header.limit(), MAGIC.length); i++) {
            if (header.get(i) != MAGIC[i]) {
                throw fail(file, "not a Sinapse checkpoint (wrong magic bytes)");
            }
        }
        if (size < HEADER_BYTES) {
            throw fail(file, "truncated: " + size + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
        }
        header.position(MAGIC.length);
        long version = Integer.toUnsignedLong(header.getInt());
        if (version > CheckpointFormat.CURRENT_VERSION) {
            throw fail(file, "written by a newer Sinapse (format " + version + ", this version reads up to "
                    + CheckpointFormat.CURRENT_VERSION + ")");
        }
        if (version == 0) {
            throw fail(file, "format version 0 does not exist: the file is damaged");
        }
        long length = header.getLong();
        long actual = size - HEADER_BYTES;
        if (length != actual) {
            throw fail(file, "truncated or damaged: the header promises " + Long.toUnsignedString(length)
                    + " payload bytes, the file holds " + actual);
        }
        if (actual > MAX_PAYLOAD_BYTES) {
            throw fail(file, "payload of " + actual + " bytes is over the " + MAX_PAYLOAD_BYTES + "-byte limit");
        }
        byte[] expectedSha = new byte[32];
        header.get(expectedSha);
        byte[] payload = new byte[(int) actual];
        readFully(file, ch, ByteBuffer.wrap(payload), HEADER_BYTES);
        if (!MessageDigest.isEqual(expectedSha, sha256(payload))) {
            throw fail(file, "checksum mismatch: the file is damaged");
        }
        Checkpoint ckpt;
        try {
            ckpt = Checkpoint.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw fail(file, "damaged payload: " + AtomicFiles.oneLine(String.valueOf(e.getMessage())));
        }
        if (ckpt.getFormatVersion() != version) {
            throw fail(file, "damaged: the header says format " + version + ", the payload says "
                    + Integer.toUnsignedString(ckpt.getFormatVersion()));
        }
        return ckpt;
    }

    /** Fills {@code buf} from {@code position}; the file may have shrunk since its size was read. */
    private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw fail(file, "truncated while reading (was the file being written?)");
            }
            pos += n;
        }
        buf.flip();
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    private static SinapseException fail(Path file, String what) {
        return new SinapseException(file + ": " + what);
    }
}
