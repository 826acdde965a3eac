package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sinapse.apps.cli.Main;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.proto.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk problems are reported in one line with exit code 2, and never cost an earlier checkpoint: an output
 * directory that cannot be created, a disk that fills up during a save, a checkpoint that cannot be replaced.
 */
class DiskFaultTest {
    @TempDir
    Path tmp;

    @Test
    void anOutputDirectoryBelowARegularFileIsAUserError() throws IOException {
        // root ignores permission bits, so a path through a regular file is the portable unwritable directory
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        Path config = Cli.articleConfig(tmp, 300, "article");

        Path below = file.resolve("run");
        Cli.Result r = Cli.run("train", "--config", config.toString(), "--out", below.toString(), "--set", "training.epochs=2");
        assertOneLineUserError(r);
        assertThat(r.err().strip()).startsWith("error: cannot create run directory " + below + ": ").contains("Not a directory");

        Cli.Result onFile = Cli.run("train", "--config", config.toString(), "--out", file.toString(), "--set", "training.epochs=2");
        assertOneLineUserError(onFile);
        assertThat(onFile.err().strip()).isEqualTo("error: cannot use run directory " + file + ": it exists and is not a directory");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void aDiskFullDuringASaveIsReportedAndThePreviousCheckpointStillLoads() throws Exception {
        Path mount = Files.createDirectory(tmp.resolve("small-disk"));
        // 200 KiB holds the config, metrics and five checkpoints of ~34 KB; the numbered snapshots fill it up
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", mount.toString()) == 0,
                "cannot mount a size-limited tmpfs here (needs root); the file-size-limit test simulates the failure instead");
        try {
            Path out = mount.resolve("run");
            Cli.Result r = Cli.run("train", "--quiet", "--config", Cli.articleConfig(tmp, 300, "article").toString(),
                    "--out", out.toString(), "--set", "training.epochs=40", "--set", "training.keep_checkpoints=100",
                    "--set", "training.log_every=1000", "--set", "training.checkpoint_every_epochs=1");

            assertOneLineUserError(r);
            assertThat(r.err().strip()).matches("error: cannot write checkpoint " + Pattern.quote(out.toString())
                    + "/(last|step-\\d{9})\\.ckpt: No space left on device.*");
            assertThat(r.out()).doesNotContain("done:");

            // full batch: epoch k ends at step k, and each epoch end writes last.ckpt, then step-<k>.ckpt
            Checkpoint last = CheckpointFile.read(out.resolve("last.ckpt"));
            long step = last.getPosition().getStep();
            assertThat(step).isBetween(1L, 39L);
            assertThat(last.getPosition().getFinished()).isFalse();
            List<String> left = names(out);
            assertThat(left).noneMatch(n -> n.endsWith(".tmp"));
            // the numbered snapshots written before the failure are all there: steps 1..step, or 1..step-1 when
            // the disk filled while writing step-<step>.ckpt (last.ckpt of that epoch had gone through)
            boolean lastFailed = r.err().contains("/last.ckpt:");
            long numbered = lastFailed ? step : step - 1;
            List<String> expected = LongStream.rangeClosed(1, numbered)
                    .mapToObj(k -> String.format("step-%09d.ckpt", k)).toList();
            assertThat(left.stream().filter(n -> n.startsWith("step-")).toList()).isEqualTo(expected);
            for (String n : left) {
                if (n.endsWith(".ckpt")) {
                    assertThat(CheckpointFile.read(out.resolve(n)).getPosition().getStep()).isLessThanOrEqualTo(step);
                }
            }

            // and the run goes on from it once there is room again
            for (String n : left) {
                if (n.startsWith("step-")) {
                    Files.delete(out.resolve(n));
                }
            }
            Cli.Result resumed = Cli.run("train", "--quiet", "--resume", out.resolve("last.ckpt").toString(),
                    "--set", "training.keep_checkpoints=0");
            assertThat(resumed.code()).as(resumed.err()).isZero();
            assertThat(CheckpointFile.read(out.resolve("last.ckpt")).getPosition().getStep()).isEqualTo(40);
        } finally {
            int unmounted = run("umount", mount.toString());
            if (unmounted != 0) {
                run("umount", "-l", mount.toString());   // detach anyway, so the temporary directory can go
            }
            assertThat(unmounted).as("nothing of the failed run is left open on the small disk").isZero();
        }
    }

    @Test
    void aSaveFailingMidRunUnderAFileSizeLimitKeepsThePreviousCheckpointResumable() throws Exception {
        // Needs no privileges: a child JVM under "ulimit -f" (the JVM ignores SIGXFSZ, so the write fails with
        // EFBIG). Each logged step adds a metrics record to the checkpoint, so the files grow until one no longer fits.
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs /bin/bash for ulimit");
        Path config = Cli.articleConfig(tmp, 300, "article");
        Path probe = tmp.resolve("probe");
        assertThat(Cli.run("train", "--quiet", "--config", config.toString(), "--out", probe.toString(),
                "--set", "training.epochs=1", "--set", "training.log_every=1").code()).isZero();
        long limitKiB = (Files.size(probe.resolve("last.ckpt")) + 3000) / 1024 + 1;   // room for ~40 more records

        Path out = tmp.resolve("run");
        String launcher = String.join(" ", Cli.childJava().stream().map(a -> "'" + a + "'").toList());
        String cmd = "ulimit -f " + limitKiB + " && exec " + launcher
                + " train --quiet --config '" + config + "' --out '" + out + "'"
                + " --set training.epochs=200 --set training.log_every=1 --set training.checkpoint_every_epochs=1";
        Path outFile = tmp.resolve("stdout.txt"), errFile = tmp.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", cmd).redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
        // the plain kernels, as the resume below runs in this JVM: a run trained on fused-vector resumes only there
        pb.environment().put(VectorLauncher.ENV, "off");
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stdout = Files.readString(outFile);
        // the JVM's own notice when started with the Vector API module is not the project's message
        String stderr = Files.readString(errFile).replaceAll("(?m)^WARNING: Using incubator modules.*\\R", "");
        assertThat(p.exitValue()).as(stderr).isEqualTo(Main.USER_ERROR);
        assertThat(stderr.lines()).as(stderr).hasSize(1);
        assertThat(stderr.strip()).matches("error: cannot write checkpoint " + Pattern.quote(out.toString()) + "/(last|best)\\.ckpt: File too large");
        assertThat(stdout).doesNotContain("done:");

        Checkpoint last = CheckpointFile.read(out.resolve("last.ckpt"));
        long step = last.getPosition().getStep();
        assertThat(step).isBetween(2L, 199L);
        assertThat(Files.size(out.resolve("last.ckpt"))).isLessThanOrEqualTo(limitKiB * 1024);
        assertThat(names(out)).noneMatch(n -> n.endsWith(".tmp"));
        Cli.Result resumed = Cli.run("train", "--quiet", "--resume", out.resolve("last.ckpt").toString(),
                "--set", "training.epochs=" + (step + 2));
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(CheckpointFile.read(out.resolve("last.ckpt")).getPosition().getStep()).isEqualTo(step + 2);
    }

    @Test
    void aCheckpointThatCannotBeReplacedKeepsItsPreviousContent() throws Exception {
        // The simulated failing write: an immutable last.ckpt cannot be renamed over, even by root. The resumed
        // run writes its config and metrics, trains an epoch, and fails at the first save.
        Path out = Cli.trainedRun(tmp, 300, 3), last = out.resolve("last.ckpt");
        byte[] before = Files.readAllBytes(last);
        assumeTrue(run("chattr", "+i", last.toString()) == 0, "chattr +i is not available on this file system");
        try {
            Cli.Result r = Cli.run("train", "--quiet", "--resume", last.toString(), "--set", "training.epochs=6");
            assertOneLineUserError(r);
            assertThat(r.err().strip()).startsWith("error: cannot write checkpoint " + last + ": ");
        } finally {
            run("chattr", "-i", last.toString());
        }
        assertThat(Files.readAllBytes(last)).isEqualTo(before);
        assertThat(CheckpointFile.read(last).getPosition().getStep()).isEqualTo(3);
        assertThat(names(out)).noneMatch(n -> n.endsWith(".tmp"));
    }

    /**
     * A picture that does not fit: one line, the reason the disk gave, and no stack trace from an image-writer thread
     * after it (ImageIO's cache file once left one to fail at exit). Under "ulimit -f" for anyone; on a full tmpfs
     * too where it can be mounted (root).
     */
    @Test
    void aPictureThatDoesNotFitIsOneLineWithTheDisksReason() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs /bin/bash for ulimit");
        Path run = Cli.trainedRun(tmp, 300, 2);
        Path png = tmp.resolve("curves-limited.png");
        String launcher = String.join(" ", Cli.childJava().stream().map(a -> "'" + a + "'").toList());
        Child limited = child("/bin/bash", "-c", "ulimit -f 8 && exec " + launcher + " plot --run '" + run + "' --output '" + png + "'");
        assertThat(limited.code).as(limited.err).isEqualTo(Main.USER_ERROR);
        assertThat(limited.err.strip()).isEqualTo("error: " + png + ": cannot write: File too large");
        assertThat(png).doesNotExist();

        Path mount = Files.createDirectory(tmp.resolve("tiny-disk"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=12k", "tmpfs", mount.toString()) == 0,
                "cannot mount a size-limited tmpfs here (needs root)");
        try {
            List<String> cmd = new java.util.ArrayList<>(Cli.childJava());
            cmd.addAll(List.of("plot", "--run", run.toString(), "--output", mount.resolve("curves.png").toString()));
            Child full = child(cmd.toArray(String[]::new));
            assertThat(full.code).as(full.err).isEqualTo(Main.USER_ERROR);
            assertThat(full.err.strip()).isEqualTo("error: " + mount.resolve("curves.png") + ": cannot write: No space left on device");
            assertThat(names(mount)).isEmpty();
        } finally {
            int unmounted = run("umount", mount.toString());
            if (unmounted != 0) {
                run("umount", "-l", mount.toString());
            }
        }
    }

    private record Child(int code, String err) {
    }

    /** A child process; its exit code and standard error, less the JVM's notice about incubator modules. */
    private Child child(String... command) throws IOException, InterruptedException {
        Path errFile = Files.createTempFile(tmp, "stderr", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(errFile.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("finished in 60 s").isTrue();
        return new Child(p.exitValue(), Files.readString(errFile).replaceAll("(?m)^WARNING: Using incubator modules.*\\R", ""));
    }

    private static void assertOneLineUserError(Cli.Result r) {
        assertThat(r.code()).as(r.err()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.err().lines()).hasSize(1);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** Runs a system command; its exit code, or -1 when it cannot be started or hangs. */
    private static int run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            if (p.exitValue() != 0) {
                System.err.println(String.join(" ", command) + ": " + output.strip());
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
