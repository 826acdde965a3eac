package dev.sinapse.io.checkpoint;

import dev.sinapse.api.SinapseException;
import dev.sinapse.io.files.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One process at a time in a run directory: an exclusive lock on {@code DIR/.lock}, held while the run trains. The
 * operating system releases it when the process ends, however it ends, so the file a killed run leaves behind blocks
 * nobody; it is never deleted (deleting a lock file lets two processes lock two different files of one name). The
 * file says who holds it ("pid 4242 since 2026-11-27T06:40:12Z"), for the message the next process gives.
 */
public final class RunLock implements AutoCloseable {
    static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks the run directory. Fails with one line naming the directory and the process that holds it when another
     * run is training there.
     */
    public static RunLock acquire(RunDirectory run) {
        Path dir = run.dir();
        Path file = dir.resolve(FILE);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = holder(ch);
                ch.close();
                throw new SinapseException(dir + " is in use by another training" + (holder.isEmpty() ? "" : " (" + holder + ")")
                        + "; wait for it to finish, or train into another --out directory");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " since "
                    + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return new RunLock(ch, lock);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new SinapseException("cannot lock run directory " + dir + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** What the lock file says about the process holding it, or "" when it cannot be read. */
    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(200);
            ch.read(b, 0);
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "";
        }
    }

    /** Releases the lock; the file stays. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing held any more that matters
            }
        }
    }
}
