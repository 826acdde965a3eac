package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.proto.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real process interrupted by SIGINT mid-epoch saves last.ckpt; resuming it ends exactly like a straight run. */
class InterruptResumeTest {
    @TempDir
    Path tmp;

    @Test
    void sigintSavesAndTheResumedRunEqualsTheStraightOne() throws Exception {
        Path config = Cli.articleConfig(tmp, 1000, "interrupted");
        String[] sets = {"--set", "training.batch_size=16", "--set", "training.epochs=60", "--set", "training.log_every=25",
            "--set", "optimizer.type=momentum", "--set", "optimizer.learning_rate=0.05"};

        Path interrupted = tmp.resolve("interrupted");
        Process p = startTrain(config, interrupted, sets);
        Path metrics = interrupted.resolve("metrics.csv");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines(metrics) < 4 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(p.isAlive()).as("still training when interrupted").isTrue();
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isEqualTo(130);
        assertThat(err).contains("interrupted at step").contains("last.ckpt")
                .contains("resume with: java -cp ").contains(" train --resume " + interrupted.resolve("last.ckpt"));

        Checkpoint saved = CheckpointFile.read(interrupted.resolve("last.ckpt"));
        assertThat(saved.getPosition().getFinished()).isFalse();
        assertThat(saved.getPosition().getStep()).isPositive();

        Cli.Result resumed = Cli.run("train", "--quiet", "--resume", interrupted.resolve("last.ckpt").toString());
        assertThat(resumed.code()).as(resumed.err()).isZero();

        Path straight = tmp.resolve("straight");
        String[] args = concat(new String[] {"train", "--quiet", "--config", config.toString(), "--out", straight.toString()}, sets);
        assertThat(Cli.run(args).code()).isZero();

        Checkpoint a = CheckpointFile.read(straight.resolve("last.ckpt"));
        Checkpoint b = CheckpointFile.read(interrupted.resolve("last.ckpt"));
        assertThat(b.getPosition()).isEqualTo(a.getPosition());
        assertThat(b.getParamsList()).isEqualTo(a.getParamsList());
        assertThat(b.getOptimizer()).isEqualTo(a.getOptimizer());
        assertThat(ResumeTest.withoutTimes(b.getHistoryList())).isEqualTo(ResumeTest.withoutTimes(a.getHistoryList()));
    }

    private static Process startTrain(Path config, Path out, String[] sets) throws IOException {
        List<String> cmd = Cli.childJava();
        cmd.addAll(List.of("train", "--quiet", "--config", config.toString(), "--out", out.toString()));
        cmd.addAll(List.of(sets));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static long lines(Path p) throws IOException {
        if (!Files.exists(p)) {
            return 0;
        }
        try (var s = Files.lines(p)) {
            return s.count();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
