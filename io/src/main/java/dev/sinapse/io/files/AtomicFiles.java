package dev.sinapse.io.files;

import dev.sinapse.api.SinapseException;
import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;

/**
 * Replaces a file so that readers, a killed process or a full disk see the old content or the new one, never
 * a mix: write a temporary file in the same directory (a rename is only atomic within one file system), fsync
 * it, rename it over the target, then fsync the directory so the rename itself survives a power cut.
 *
 * <p>What the target is decides how it is written, and the same way for every output:
 * <ul>
 * <li>a regular file, or nothing yet: replaced (or created) atomically as above;
 * <li>a symbolic link: followed, link after link. The file it leads to is replaced (or created, for a link to a
 *     missing file) in its own directory; the link itself stays as it was;
 * <li>a device, a FIFO, or an open descriptor ({@code /dev/stdout}, {@code /dev/fd/N}, {@code /proc/self/fd/N}):
 *     written to directly, appending, as a shell's {@code >>} would. A rename would put a regular file in place of
 *     the node (as root, {@code --output /dev/null} would replace the system's), and a pipe has no old content to
 *     keep;
 * <li>a directory: refused.
 * </ul>
 */
public final class AtomicFiles {
    private static final int CREATE_ATTEMPTS = 100;
    /** As Linux: more links than this in a row are a loop. */
    private static final int MAX_LINKS = 40;
    private static final Pattern DESCRIPTOR = Pattern.compile("/dev/std(in|out|err)|/dev/fd/\\d+|/proc/[^/]+/fd/\\d+");

    /** What a streamed write puts in the file. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Where the bytes go: {@code file} after following links, replaced atomically or written to directly. */
    private record Destination(Path file, boolean direct, boolean directory) {
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code parts} in order as the new content of {@code target}. On failure the temporary file is
     * deleted and {@code target} is untouched. Modified: the positions of {@code parts}.
     */
    public static void write(Path target, ByteBuffer... parts) throws IOException {
        Destination d = destination(target);
        if (d.directory()) {
            throw new FileSystemException(d.file().toString(), null, "Is a directory");
        }
        Body body = out -> {
            for (ByteBuffer part : parts) {
                if (part.hasArray()) {
                    // a large array goes past the stream's buffer straight to the file
                    out.write(part.array(), part.arrayOffset() + part.position(), part.remaining());
                    part.position(part.limit());
                } else {
                    WritableByteChannel ch = Channels.newChannel(out);
                    while (part.hasRemaining()) {
                        ch.write(part);
                    }
                }
            }
        };
        if (d.direct()) {
            writeDirectly(d.file(), body);
        } else {
            writeAtomically(d.file(), body);
        }
    }

    /**
     * Streams {@code body} into {@code target} the same way: whole or not at all. A body that fails (a bad line in
     * the input, a full disk) leaves no half file and an earlier good version in place. {@code what} names the
     * target in messages ("--output submission.csv"); failures are a {@link SinapseException} with one line.
     */
    public static void write(Path target, String what, Body body) {
        try {
            if (target.toString().isEmpty()) {
                throw new SinapseException(what + ": an empty path; name a file");
            }
            Destination d = destination(target);
            if (d.directory()) {
                throw new SinapseException(what + " is a directory; name a file in it");
            }
            if (d.direct()) {
                writeDirectly(d.file(), body);
            } else {
                Files.createDirectories(d.file().getParent());
                writeAtomically(d.file(), body);
            }
        } catch (IOException e) {
            throw new SinapseException(what + ": cannot write: " + describe(e));
        }
    }

    /**
     * Whether {@code target} names a regular file once links are followed: one that a write would replace, so
     * that a command must not name one of its inputs as an output.
     */
    public static boolean replaces(Path target) {
        try {
            Destination d = destination(target);
            return !d.direct() && !d.directory() && Files.exists(d.file(), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return false;   // the write will say what is wrong
        }
    }

    /** What {@code target} is, following links one at a time (each resolved against the directory it is in). */
    private static Destination destination(Path target) throws IOException {
        Path p = target.toAbsolutePath();
        for (int links = 0; ; links++) {
            if (DESCRIPTOR.matcher(p.normalize().toString()).matches()) {
                return new Destination(p, true, false);
            }
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException missing) {
                return new Destination(p, false, false);
            }
            if (a.isSymbolicLink()) {
                if (links == MAX_LINKS) {
                    throw new FileSystemException(target.toString(), null, "Too many levels of symbolic links");
                }
                p = p.getParent().resolve(Files.readSymbolicLink(p));
            } else {
                return new Destination(p, a.isOther(), a.isDirectory());
            }
        }
    }

    /** Appends to a device, a FIFO or a descriptor: there is no old content to keep and nothing to rename. */
    private static void writeDirectly(Path file, Body body) throws IOException {
        try (OutputStream out = new BufferedOutputStream(new FileOutputStream(file.toFile(), true))) {
            body.writeTo(out);
        } catch (FileNotFoundException e) {
            // FileOutputStream's only way to say why it cannot open: "<path> (reason)"
            String m = String.valueOf(e.getMessage());
            String prefix = file + " (";
            String reason = m.startsWith(prefix) && m.endsWith(")") ? m.substring(prefix.length(), m.length() - 1) : m;
            throw new FileSystemException(file.toString(), null, reason);
        }
    }

    private static void writeAtomically(Path file, Body body) throws IOException {
        Path dir = file.getParent();
        Path tmp = createTemp(dir, file.getFileName().toString());
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch));
                body.writeTo(out);
                out.flush();
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
