package dev.sinapse.io.checkpoint;

import java.io.IOException;
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
final class AtomicFiles {
    private static final int CREATE_ATTEMPTS = 100;

    private AtomicFiles() {
    }

    /**
     * Writes {@code parts} in order as the new content of {@code target}. On failure the temporary file is
     * deleted and {@code target} is untouched. Modified: the positions of {@code parts}.
     */
    static void write(Path target, ByteBuffer... parts) throws IOException {
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
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
        syncDirectory(dir);
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
    static String describe(IOException e) {
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

    static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
