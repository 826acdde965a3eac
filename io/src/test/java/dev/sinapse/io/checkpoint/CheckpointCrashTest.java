package dev.sinapse.io.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.io.proto.Checkpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that is saving checkpoints in a loop (SIGKILL: no shutdown hooks, no finally blocks), in the
 * middle of a save at several moments, and checks that {@code last.ckpt} always loads and holds a whole,
 * consistent save.
 *
 * <p>A killed process leaves the kernel's page cache intact, so this tests the temp-file-and-rename protocol,
 * not the fsyncs, which only matter on a power cut.
 */
class CheckpointCrashTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void lastCheckpointAlwaysLoadsAfterTheWriterIsKilled() throws Exception {
        RunDirectory run = new RunDirectory(dir.resolve("run"));
        long previous = 0;
        for (int delayMillis : new int[] {0, 37, 150, 420}) {
            AtomicLong lastPrinted = new AtomicLong(-1);
            CountDownLatch firstSave = new CountDownLatch(1);
            Path errors = dir.resolve("stderr.txt");
            Process child = new ProcessBuilder(javaCommand(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(), run.dir().toString())
                    .redirectError(errors.toFile())
                    .start();
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        lastPrinted.set(Long.parseLong(line.strip()));
                        firstSave.countDown();
                    }
                } catch (IOException e) {
                    // the pipe breaks when the child dies
                }
            });
            reader.start();
            try {
                boolean saved = firstSave.await(20, TimeUnit.SECONDS);
                assertThat(saved).as("child saved once; its stderr: %s", Files.readString(errors)).isTrue();
                Thread.sleep(delayMillis);
                awaitSaveInProgress(run.dir());
                assertThat(child.isAlive()).as("child still running; its stderr: %s", Files.readString(errors)).isTrue();
            } finally {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
                reader.join(10_000);
            }

            Checkpoint last = CheckpointFile.read(run.last());
            long step = last.getPosition().getStep();
            // the save after the last printed one may have been renamed in just before the kill
            assertThat(step).isBetween(lastPrinted.get(), lastPrinted.get() + 1).isGreaterThan(previous);
            assertThat(last).isEqualTo(SampleCheckpoints.atStep(step));
            for (Path numbered : numbered()) {
                assertThat(CheckpointFile.read(numbered).getPosition().getStep()).isPositive();
            }
            previous = step;
        }
    }

    /**
     * Returns as soon as the writer's temporary file for last.ckpt exists, so the kill lands inside a save
     * (between creating the temporary file and renaming it) rather than wherever the clock happens to be.
     */
    private static void awaitSaveInProgress(Path runDir) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (var temps = Files.newDirectoryStream(runDir, ".last.ckpt.*.tmp")) {
                if (temps.iterator().hasNext()) {
                    return;
                }
            }
        }
    }

    private List<Path> numbered() throws IOException {
        List<Path> found = new ArrayList<>();
        try (var files = Files.newDirectoryStream(dir.resolve("run"), "step-*.ckpt")) {
            files.forEach(found::add);
        }
        return found;
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
