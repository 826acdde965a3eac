package dev.sinapse.io.checkpoint;

import static dev.sinapse.io.checkpoint.CheckpointFileTest.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.SinapseException;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.TrainingPosition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    @TempDir
    Path tmp;

    private static Checkpoint at(long step) {
        return SampleCheckpoints.small().toBuilder().setPosition(TrainingPosition.newBuilder().setStep(step)).build();
    }

    @Test
    void createsAMissingDirectoryWithItsParents() {
        RunDirectory run = new RunDirectory(tmp.resolve("runs/a"));

        assertThat(run.dir()).isDirectory();
        assertThat(run.last()).isEqualTo(tmp.resolve("runs/a/last.ckpt"));
        assertThat(run.best()).isEqualTo(tmp.resolve("runs/a/best.ckpt"));
    }

    @Test
    void aRegularFileInThePlaceOfTheDirectoryIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("run"), "x");

        assertThatThrownBy(() -> new RunDirectory(file))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessage("cannot use run directory " + file + ": it exists and is not a directory");
    }

    @Test
    void aDirectoryBelowARegularFileCannotBeCreated() throws IOException {
        Path below = Files.writeString(tmp.resolve("file"), "x").resolve("run");

        assertThatThrownBy(() -> new RunDirectory(below))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessageStartingWith("cannot create run directory " + below + ": ");
    }

    @Test
    void lastAndBestAreSeparateFiles() {
        RunDirectory run = new RunDirectory(tmp);

        run.saveLast(at(10));
        run.saveBest(at(7));
        run.saveLast(at(20));

        assertThat(CheckpointFile.read(run.last()).getPosition().getStep()).isEqualTo(20);
        assertThat(CheckpointFile.read(run.best()).getPosition().getStep()).isEqualTo(7);
        assertThat(list(tmp)).containsExactly("best.ckpt", "last.ckpt");
    }

    @Test
    void numberedFilesHaveNineDigitSteps() {
        RunDirectory run = new RunDirectory(tmp);

        Path file = run.saveNumbered(at(123), 123, 3);

        assertThat(file).isEqualTo(tmp.resolve("step-000000123.ckpt"));
        assertThat(CheckpointFile.read(file).getPosition().getStep()).isEqualTo(123);
    }

    @Test
    void keepingTheLastKDeletesOnlyTheOldestNumberedFiles() throws IOException {
        RunDirectory run = new RunDirectory(tmp);
        run.saveLast(at(1));
        run.saveBest(at(1));
        run.writeConfig("name: \"a\"");
        Files.writeString(tmp.resolve("metrics.csv"), "step,loss\n");
        Files.writeString(tmp.resolve("step-notes.ckpt"), "not numbered");

        // 1e9 has ten digits: the order must be numeric, not by name
        for (long step : new long[] {5, 10, 99, 100, 1_000_000_000L}) {
            run.saveNumbered(at(step), step, 3);
        }

        assertThat(list(tmp)).containsExactly("best.ckpt", "config.textproto", "last.ckpt", "metrics.csv",
                "step-000000099.ckpt", "step-000000100.ckpt", "step-1000000000.ckpt", "step-notes.ckpt");
        assertThat(CheckpointFile.read(tmp.resolve("step-000000099.ckpt")).getPosition().getStep()).isEqualTo(99);
    }

    @Test
    void theFileJustWrittenIsKeptEvenWhenOlderRunsLeftHigherSteps() {
        RunDirectory run = new RunDirectory(tmp);
        run.saveNumbered(at(200), 200, 2);
        run.saveNumbered(at(300), 300, 2);

        run.saveNumbered(at(50), 50, 2);

        assertThat(list(tmp)).containsExactly("step-000000050.ckpt", "step-000000300.ckpt");
    }

    @Test
    void keepOneLeavesOnlyTheNewest() {
        RunDirectory run = new RunDirectory(tmp);
        run.saveNumbered(at(1), 1, 1);
        run.saveNumbered(at(2), 2, 1);

        assertThat(list(tmp)).containsExactly("step-000000002.ckpt");
    }

    @Test
    void keepZeroWritesNoNumberedFileAndDeletesNothing() {
        RunDirectory run = new RunDirectory(tmp);
        run.saveNumbered(at(1), 1, 2);

        assertThat(run.saveNumbered(at(2), 2, 0)).isNull();
        assertThat(list(tmp)).containsExactly("step-000000001.ckpt");
    }

    @Test
    void configIsWrittenAsUtf8AndReplaced() {
        RunDirectory run = new RunDirectory(tmp);
        run.writeConfig("name: \"first\"\n");
        run.writeConfig("name: \"réseau\"\n");

        assertThat(run.config()).hasContent("name: \"réseau\"\n");
        assertThat(list(tmp)).containsExactly("config.textproto");
    }

    @Test
    void newRunDirIsNamedByTimeAndNameAndUnique() {
        LocalDateTime t = LocalDateTime.of(2026, 11, 27, 6, 40, 12);

        Path a = RunDirectory.newRunDir(tmp.resolve("runs"), "article", t);
        Path b = RunDirectory.newRunDir(tmp.resolve("runs"), "article", t);
        Path c = RunDirectory.newRunDir(tmp.resolve("runs"), "", t);

        assertThat(a).isEqualTo(tmp.resolve("runs/2026-11-27T06-40-12-article")).isEmptyDirectory();
        assertThat(b).isEqualTo(tmp.resolve("runs/2026-11-27T06-40-12-article-2")).isEmptyDirectory();
        assertThat(c).isEqualTo(tmp.resolve("runs/2026-11-27T06-40-12")).isEmptyDirectory();
    }

    @Test
    void newRunDirMakesTheNameSafeForAPath() {
        LocalDateTime t = LocalDateTime.of(2026, 1, 2, 3, 4, 5);

        Path p = RunDirectory.newRunDir(tmp, "../MNIST run / 2 layers?", t);

        assertThat(p.getParent()).isEqualTo(tmp);
        assertThat(p.getFileName().toString()).isEqualTo("2026-01-02T03-04-05-MNIST-run-2-layers");
    }

    @Test
    void newRunDirWithTheCurrentTimeCreatesADirectory() {
        Path p = RunDirectory.newRunDir(tmp, "now");

        assertThat(p).isEmptyDirectory();
        assertThat(p.getFileName().toString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-now");
    }

    @Test
    void previousRunListsTheRunsFilesAndNothingElse() throws IOException {
        RunDirectory run = finishedRunWithANote();
        Files.writeString(run.dir().resolve("metrics.csv"), "step\n");
        Files.writeString(run.dir().resolve(RunLock.FILE), "pid 1");

        assertThat(RunDirectory.previousRun(run.dir())).extracting(p -> p.getFileName().toString())
                .containsExactly("last.ckpt", "best.ckpt", "metrics.csv", "step-000000005.ckpt");
        assertThat(RunDirectory.previousRun(tmp.resolve("missing"))).isEmpty();
        assertThat(RunDirectory.previousRun(Files.createDirectory(tmp.resolve("empty")))).isEmpty();
    }

    /** A run's last, best and one numbered checkpoint, and a file of the user's beside them. */
    private RunDirectory finishedRunWithANote() throws IOException {
        RunDirectory run = new RunDirectory(tmp.resolve("run"));
        run.saveLast(at(5));
        run.saveBest(at(3));
        run.saveNumbered(at(5), 5, 2);
        Files.writeString(run.dir().resolve("notes.txt"), "mine");
        return run;
    }

    /** --force: the run's files go, others stay; a .replaced folder an interrupted clear left is finished off. */
    @Test
    void clearingAPreviousRunRemovesOnlyItsFiles() throws IOException {
        RunDirectory run = finishedRunWithANote();
        run.writeConfig("name: \"old\"\n");
        Path leftover = Files.createDirectories(run.dir().resolve(RunDirectory.REPLACED));
        Files.writeString(leftover.resolve("metrics.csv"), "half cleared");

        RunDirectory.clearPreviousRun(run.dir());

        assertThat(list(run.dir())).containsExactly("notes.txt");
        assertThat(RunDirectory.previousRun(run.dir())).isEmpty();
    }

    @Test
    void aLockKeepsASecondHolderOutUntilReleasedAndSaysWhoHoldsIt() throws IOException {
        Path dir = tmp.resolve("runs/locked");
        RunLock first = RunLock.acquire(new RunDirectory(dir));
        assertThat(Files.readString(dir.resolve(RunLock.FILE))).startsWith("pid " + ProcessHandle.current().pid() + " since ");

        assertThatThrownBy(() -> RunLock.acquire(new RunDirectory(dir)))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessageStartingWith(dir + " is in use by another training (pid " + ProcessHandle.current().pid() + " since ")
                .hasMessageEndingWith("); wait for it to finish, or train into another --out directory");

        first.close();
        RunLock again = RunLock.acquire(new RunDirectory(dir));   // the file stays; only the lock counts
        again.close();
        assertThat(dir.resolve(RunLock.FILE)).exists();
    }
}
