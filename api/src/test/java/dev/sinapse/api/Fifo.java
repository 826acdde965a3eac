package dev.sinapse.api;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A named pipe (mkfifo) fed by a background thread, for the tests of readers that must take a pipe as well as a
 * file. {@link #close()} never hangs: it releases a feeder still waiting for a reader, or blocked on one that left.
 */
public final class Fifo implements AutoCloseable {
    private final Path path;
    private final Thread feeder;

    private Fifo(Path path, Thread feeder) {
        this.path = path;
        this.feeder = feeder;
    }

    /** Whether this system makes FIFOs (a POSIX system with mkfifo); tests assume it. */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/mkfifo")) || Files.isExecutable(Path.of("/bin/mkfifo"));
    }

    /** Makes the FIFO {@code path} (which must not exist). */
    public static Path make(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("mkfifo " + path + " failed: " + out);
        }
        return path;
    }

    /** Makes the FIFO {@code path} and writes {@code bytes} into it once a reader opens it. */
    public static Fifo feeding(Path path, byte[] bytes) throws IOException, InterruptedException {
        return feeding(path, out -> out.write(bytes));
    }

    /** The body that writes what the reader gets. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Makes the FIFO {@code path}; {@code body} writes into it once a reader opens it. */
    public static Fifo feeding(Path path, Body body) throws IOException, InterruptedException {
        make(path);
        Thread t = new Thread(() -> {
            try (OutputStream out = new FileOutputStream(path.toFile())) {
                body.writeTo(out);
            } catch (IOException readerLeft) {
                // the reader stopped early (an error it reports, or a bound it enforces): nothing to do
            }
        }, "fifo-feeder " + path.getFileName());
        t.setDaemon(true);
        t.start();
        return new Fifo(path, t);
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (feeder.isAlive()) {
            // opening a FIFO read-write never blocks on Linux; it lets a feeder still waiting in open() through,
            // and closing it again gives the feeder's next write EPIPE
            new RandomAccessFile(path.toFile(), "rw").close();
            feeder.join(10_000);
        }
    }
}
