package dev.sinapse.io.files;

import dev.sinapse.api.SinapseException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file so that readers, a killed process or a full disk see the old content or the new one, never
 * a mix: write a temporary file in the same directory (a rename is only atomic within one file system), fsync
 * it, rename it over the target, then fsync the directory so the rename itself survives a power cut.
 */
public final class AtomicFiles {
    private static final int CREATE_ATTEMPTS = 100;

    /** What a streamed write puts in the file. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code parts} in order as the new content of {@code target}. On failure the temporary file is
     * deleted and {@code target} is untouched. Modified: the positions of {@code parts}.
     */
    public static void write(Path target, ByteBuffer... parts) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Path tmp = createTemp(dir, file.getFileName().toString());
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                for (ByteBuffer part : parts) {
                    while (part.hasRemaining()) {
                        ch.write(part);
                    }
                }
                ch.force(true);
            }
            replace(tmp, file);
            moved = true;
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
        syncDirectory(dir);
    }

    /**
     * Streams {@code body} into {@code target} the same way: whole or not at all. A body that fails (a bad line in
     * the input, a full disk) leaves no half file and an earlier good version in place. {@code what} names the
     * target in messages ("--output submission.csv"); failures are a {@link SinapseException} with one line.
     */
    public static void write(Path target, String what, Body body) {
        if (Files.isDirectory(target)) {
            throw new SinapseException(what + " is a directory; name a file in it");
        }
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Path tmp = null;
        boolean moved = false;
        try {
            Files.createDirectories(dir);
            tmp = createTemp(dir, file.getFileName().toString());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch));
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            replace(tmp, file);
            moved = true;
        } catch (IOException e) {
            throw new SinapseException(what + ": cannot write: " + describe(e));
        } finally {
            if (tmp != null && !moved) {
                deleteQuietly(tmp);
            }
        }
        syncDirectory(dir);
    }

    private static void replace(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A new empty file ".<name>.<n>.tmp" beside the target. Not {@link Files#createTempFile}: that one is
     * created owner-only (0600), which the rename would carry over to checkpoints meant to be shared.
     */
    private static Path createTemp(Path dir, String name) throws IOException {
        long n = ProcessHandle.current().pid() * 1_000_003L + System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(n + attempt, 36) + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt == CREATE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Makes the rename durable. Not possible everywhere (Windows cannot open a directory); the rename is done anyway. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // best effort: the new content is in place, only its durability across a power cut is weaker
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // the original failure is the one to report; a stray ".tmp" file is harmless
        }
    }

    /** A one-line reason for a user: "permission denied (/runs/a)", "No space left on device". */
    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException f) {
            return "no such file or directory (" + f.getFile() + ")";
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied (" + f.getFile() + ")";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return "already exists (" + f.getFile() + ")";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + " (" + f.getFile() + ")";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : oneLine(m);
    }

    public static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
