package dev.sinapse.io.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sinapse.api.Fifo;
import dev.sinapse.api.SinapseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a write does to each kind of target: a regular file is replaced whole or not at all; a link is followed and
 * stays a link; a FIFO is written through and stays a FIFO; a directory is refused.
 */
@Timeout(30)
class AtomicFilesTest {
    @TempDir
    Path dir;

    private static AtomicFiles.Body text(String s) {
        return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    private static AtomicFiles.Body failingAfter(String s) {
        return out -> {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            throw new IOException("No space left on device");
        };
    }

    @Test
    void aRegularFileIsReplacedWholeOrNotAtAll() throws IOException {
        Path f = Files.writeString(dir.resolve("out.csv"), "old\n");
        assertThatThrownBy(() -> AtomicFiles.write(f, "--output out.csv", failingAfter("new, half")))
                .isInstanceOf(SinapseException.class).hasMessage("--output out.csv: cannot write: No space left on device");
        assertThat(Files.readString(f)).isEqualTo("old\n");
        AtomicFiles.write(f, "--output out.csv", text("new\n"));
        assertThat(Files.readString(f)).isEqualTo("new\n");
        assertThat(names()).containsExactly("out.csv");
    }

    @Test
    void aLinkIsFollowedAndStaysALink() throws IOException {
        Path real = Files.writeString(Files.createDirectories(dir.resolve("real")).resolve("out.csv"), "old\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), Path.of("real/out.csv"));   // relative, as ln -s makes them
        Path linkToLink = Files.createSymbolicLink(dir.resolve("link2.csv"), link);

        AtomicFiles.write(linkToLink, "--output link2.csv", text("new\n"));
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.isSymbolicLink(linkToLink)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("new\n");

        assertThatThrownBy(() -> AtomicFiles.write(link, "--output link.csv", failingAfter("half")))
                .hasMessage("--output link.csv: cannot write: No space left on device");
        assertThat(Files.readString(real)).isEqualTo("new\n");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        try (Stream<Path> files = Files.list(real.getParent())) {
            assertThat(files).containsExactly(real);   // the temporary file was beside the real one, and is gone
        }
    }

    @Test
    void aLinkToAMissingFileCreatesThatFile() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link.png"), dir.resolve("later/picture.png"));
        Files.createDirectories(dir.resolve("later"));
        AtomicFiles.write(link, "--png link.png", text("png"));
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(dir.resolve("later/picture.png"))).isEqualTo("png");
    }

    @Test
    void aLoopOfLinksAndADirectoryAreRefused() throws IOException {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        assertThatThrownBy(() -> AtomicFiles.write(a, "--output a", text("x")))
                .hasMessage("--output a: cannot write: Too many levels of symbolic links (" + a + ")");
        Path sub = Files.createDirectories(dir.resolve("sub"));
        assertThatThrownBy(() -> AtomicFiles.write(sub, "--png sub", text("x"))).hasMessage("--png sub is a directory; name a file in it");
        assertThatThrownBy(() -> AtomicFiles.write(Path.of(""), "--png", text("x"))).hasMessage("--png: an empty path; name a file");
        assertThatThrownBy(() -> AtomicFiles.write(sub, ByteBuffer.allocate(1))).hasMessageContaining("Is a directory");
    }

    @Test
    void aFifoIsWrittenThroughAndStaysAFifo() throws Exception {
        assumeTrue(Fifo.available(), "no mkfifo here");
        Path fifo = Fifo.make(dir.resolve("out.fifo"));
        Path link = Files.createSymbolicLink(dir.resolve("fifo-link"), fifo);
        for (Path target : new Path[] {fifo, link}) {
            CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = Files.newInputStream(fifo)) {
                    return in.readAllBytes();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            AtomicFiles.write(target, "--output " + target.getFileName(), text("ImageId,Label\n1,7\n"));
            assertThat(new String(read.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("ImageId,Label\n1,7\n");
            assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
            assertThat(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther()).isTrue();
        }
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(names()).containsExactlyInAnyOrder("out.fifo", "fifo-link");

        // a checkpoint-style write goes through too
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        AtomicFiles.write(fifo, ByteBuffer.wrap(new byte[] {1, 2}), ByteBuffer.wrap(new byte[] {3}));
        assertThat(read.get(10, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
    }

    @Test
    void onlyARegularFileIsOneAWriteWouldReplace() throws Exception {
        Path f = Files.writeString(dir.resolve("data.csv"), "x");
        assertThat(AtomicFiles.replaces(f)).isTrue();
        assertThat(AtomicFiles.replaces(Files.createSymbolicLink(dir.resolve("l"), f))).isTrue();
        assertThat(AtomicFiles.replaces(dir.resolve("missing.csv"))).isFalse();
        assertThat(AtomicFiles.replaces(dir)).isFalse();
        assertThat(AtomicFiles.replaces(Path.of("/dev/stdout"))).isFalse();
        if (Fifo.available()) {
            assertThat(AtomicFiles.replaces(Fifo.make(dir.resolve("p.fifo")))).isFalse();
        }
    }

    private java.util.List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
