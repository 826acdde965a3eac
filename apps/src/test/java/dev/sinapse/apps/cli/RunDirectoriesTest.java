package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.RunDirectory;
import dev.sinapse.io.checkpoint.RunLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run per directory: a second train into it is refused with the ways out; --force replaces; a lock keeps two out. */
class RunDirectoriesTest {
    @TempDir
    Path tmp;
    Path config;
    Path run;

    @BeforeEach
    void config() throws IOException {
        config = Cli.articleConfig(tmp, 300, "first");
        run = tmp.resolve("run");
    }

    @Test
    void trainingTwiceIntoOneDirectoryIsRefusedAndTheFirstRunStaysWhole() throws IOException {
        Cli.train(config, run, "--set", "training.epochs=10");
        byte[] last = Files.readAllBytes(run.resolve("last.ckpt"));
        byte[] metrics = Files.readAllBytes(run.resolve("metrics.csv"));

        Cli.Result again = Cli.run("train", "--quiet", "--config", config.toString(), "--out", run.toString(), "--set", "training.epochs=10");

        assertThat(again.code()).isEqualTo(2);
        assertThat(again.out()).isEmpty();
        assertThat(again.err()).isEqualTo("error: " + run + " already holds a run (last.ckpt, best.ckpt, config.textproto, metrics.csv, curves.png); "
                + "continue it with --resume " + run.resolve("last.ckpt") + ", train into a new --out directory, or add --force to replace it\n");
        assertThat(Files.readAllBytes(run.resolve("last.ckpt"))).isEqualTo(last);
        assertThat(Files.readAllBytes(run.resolve("metrics.csv"))).isEqualTo(metrics);
    }

    /** The mix once seen: last.ckpt of one experiment, best.ckpt and numbered files of another. --force leaves none. */
    @Test
    void forceReplacesThePreviousRunsFilesAndKeepsOthers() throws IOException {
        Cli.train(config, run, "--set", "training.epochs=4", "--set", "training.keep_checkpoints=5",
                "--set", "training.checkpoint_every_epochs=1", "--set", "training.log_every=1");
        assertThat(run.resolve("step-000000001.ckpt")).exists();
        Files.writeString(run.resolve("notes.txt"), "mine");
        Path second = Cli.articleConfig(tmp, tmp.resolve("digits-300.csv"), "second", "");

        Cli.train(second, run, "--force", "--set", "name=second", "--set", "training.epochs=2", "--set", "training.log_every=1000");

        assertThat(names(run)).contains("notes.txt", "last.ckpt", "config.textproto", "metrics.csv")
                .noneMatch(n -> n.startsWith("step-"));
        for (String ckpt : List.of("last.ckpt", "best.ckpt")) {
            if (Files.exists(run.resolve(ckpt))) {
                assertThat(CheckpointFile.read(run.resolve(ckpt)).getConfig().getName()).as(ckpt).isEqualTo("second");
            }
        }
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).allMatch(l -> !l.startsWith("3,") && !l.startsWith("4,"));
        assertThat(Files.readString(run.resolve("config.textproto"))).contains("name: \"second\"");
    }

    /** --force removes nothing until the new run's config and data have been checked. */
    @Test
    void aForcedRunThatFailsItsChecksLeavesThePreviousRunAlone() throws IOException {
        Cli.train(config, run, "--set", "training.epochs=3");
        List<String> before = names(run);
        byte[] last = Files.readAllBytes(run.resolve("last.ckpt"));

        Cli.Result bad = Cli.run("train", "--quiet", "--config", config.toString(), "--out", run.toString(), "--force",
                "--set", "network.layers[output].options.units=5");

        assertThat(bad.code()).isEqualTo(2);
        assertThat(names(run)).isEqualTo(before);
        assertThat(Files.readAllBytes(run.resolve("last.ckpt"))).isEqualTo(last);
    }

    @Test
    void aResumeContinuesInItsOwnDirectoryButNotIntoAnotherRun() throws IOException {
        Cli.train(config, run, "--set", "training.epochs=2");
        Path other = tmp.resolve("other");
        Cli.train(config, other, "--set", "training.epochs=2");

        Cli.Result own = Cli.run("train", "--quiet", "--resume", run.resolve("last.ckpt").toString(), "--set", "training.epochs=4");
        assertThat(own.code()).as(own.err()).isZero();
        Cli.Result ownNamed = Cli.run("train", "--quiet", "--resume", run.resolve("last.ckpt").toString(), "--out", run.toString(),
                "--set", "training.epochs=5");
        assertThat(ownNamed.code()).as(ownNamed.err()).isZero();
        assertThat(CheckpointFile.read(run.resolve("last.ckpt")).getPosition().getStep()).isEqualTo(5);

        Cli.Result into = Cli.run("train", "--quiet", "--resume", run.resolve("last.ckpt").toString(), "--out", other.toString(),
                "--set", "training.epochs=6");
        assertThat(into.code()).isEqualTo(2);
        assertThat(into.err()).startsWith("error: " + other + " already holds a run (");
        assertThat(CheckpointFile.read(other.resolve("last.ckpt")).getPosition().getStep()).isEqualTo(2);
        // a new directory for the continuation is fine
        Cli.Result branch = Cli.run("train", "--quiet", "--resume", run.resolve("last.ckpt").toString(), "--out",
                tmp.resolve("branch").toString(), "--set", "training.epochs=6");
        assertThat(branch.code()).as(branch.err()).isZero();
        assertThat(CheckpointFile.read(tmp.resolve("branch/last.ckpt")).getPosition().getStep()).isEqualTo(6);
    }

    @Test
    void aDirectoryLockedByAnotherTrainingIsRefusedNamingIt() {
        RunLock held = RunLock.acquire(new RunDirectory(run));
        try {
            Cli.Result r = Cli.run("train", "--quiet", "--config", config.toString(), "--out", run.toString(), "--set", "training.epochs=2");
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).startsWith("error: " + run + " is in use by another training (pid " + ProcessHandle.current().pid() + " since ")
                    .endsWith("); wait for it to finish, or train into another --out directory\n");
            assertThat(run.resolve("metrics.csv")).doesNotExist();
        } finally {
            held.close();
        }
    }

    /**
     * A real second process: while it trains into the directory, another train is kept out, naming its pid. Killed
     * with SIGKILL, it leaves its .lock file behind, and that file blocks nobody.
     */
    @Test
    void aKilledTrainingsLockDoesNotBlock() throws Exception {
        List<String> cmd = Cli.childJava();
        cmd.addAll(List.of("train", "--quiet", "--config", config.toString(), "--out", run.toString(),
                "--set", "training.epochs=1000000", "--set", "training.checkpoint_every_epochs=1000000"));
        Process child = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(run.resolve("metrics.csv")) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(child.isAlive()).as("the child is training").isTrue();

            Cli.Result kept = Cli.run("train", "--quiet", "--config", config.toString(), "--out", run.toString(), "--force",
                    "--set", "training.epochs=2");
            assertThat(kept.code()).isEqualTo(2);
            assertThat(kept.err()).startsWith("error: " + run + " is in use by another training (pid " + child.pid() + " since ");
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(run.resolve(".lock"), StandardCharsets.UTF_8)).startsWith("pid " + child.pid());

        Cli.Result after = Cli.run("train", "--quiet", "--config", config.toString(), "--out", run.toString(), "--force",
                "--set", "training.epochs=2");
        assertThat(after.code()).as(after.err()).isZero();
        assertThat(CheckpointFile.read(run.resolve("last.ckpt")).getPosition().getStep()).isEqualTo(2);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
