package dev.sinapse.apps;

import dev.sinapse.api.SinapseException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file whole or not at all: into a hidden temporary file in the same directory, renamed over the target
 * only when the body has finished. A body that fails (a bad line in the input, a full disk) leaves no half file
 * and an earlier good version in place. The temporary file is opened like any new file, so the result gets the
 * usual permissions (not the owner-only ones of {@link Files#createTempFile}).
 */
final class AtomicWrite {
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicWrite() {
    }

    /** {@code what} names the target in messages, e.g. "--output submission.csv". */
    static void write(Path target, String what, Body body) {
        if (Files.isDirectory(target)) {
            throw new SinapseException(what + " is a directory; name a file in it");
        }
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))) {
                body.writeTo(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SinapseException(what + ": cannot write: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the error already thrown is the one to report
            }
        }
    }
}
