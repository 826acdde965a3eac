package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.proto.Checkpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint records the batch kernel that trained it, in a field of its own; a resume continues on that kernel
 * (kernels round differently), and is refused with the way out when that kernel cannot run here.
 */
class KernelRecordTest {
    @TempDir
    Path tmp;

    private Path config() throws Exception {
        return Cli.articleConfig(tmp, Cli.smallCsv(tmp, 300), "kernel", "");
    }

    private Cli.Result train(Path config, Path out, int epochs, String... more) {
        String[] base = {"train", "--quiet", "--config", config.toString(), "--out", out.toString(),
            "--set", "training.epochs=" + epochs};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    private static String paramsSha(Path ckpt) {
        return Tensors.paramsSha256(CheckpointFile.read(ckpt.resolve("last.ckpt")).getParamsList());
    }

    @Test
    void theDefaultRunRecordsTheFastestKernelThatRunsItAndTheFlagPicksAnother() throws Exception {
        Path config = config();
        assertThat(train(config, tmp.resolve("auto"), 2).code()).isZero();
        assertThat(CheckpointFile.read(tmp.resolve("auto/last.ckpt")).getKernel()).isIn("fused", "fused-vector");
        Cli.Result r = train(config, tmp.resolve("layers"), 2, "--kernel", "layers");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(CheckpointFile.read(tmp.resolve("layers/last.ckpt")).getKernel()).isEqualTo("layers");
    }

    @Test
    void aRunResumesOnTheKernelItRecordedAndMatchesTheStraightRun() throws Exception {
        Path config = config();
        assertThat(train(config, tmp.resolve("straight"), 4, "--kernel", "layers").code()).isZero();
        assertThat(train(config, tmp.resolve("split"), 2, "--kernel", "layers").code()).isZero();
        Cli.Result r = Cli.run("train", "--quiet", "--resume", tmp.resolve("split/last.ckpt").toString(),
                "--set", "training.epochs=4");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(CheckpointFile.read(tmp.resolve("split/last.ckpt")).getKernel()).isEqualTo("layers");
        assertThat(paramsSha(tmp.resolve("split"))).isEqualTo(paramsSha(tmp.resolve("straight")));
    }

    @Test
    void aResumeOnAKernelThatCannotRunHereIsRefusedWithTheWayOut() throws Exception {
        assumeFalse(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "the vector kernel can run here");
        Path run = tmp.resolve("run");
        assertThat(train(config(), run, 2).code()).isZero();
        Path last = run.resolve("last.ckpt");
        Checkpoint c = CheckpointFile.read(last);
        Path moved = tmp.resolve("vector.ckpt");
        CheckpointFile.write(moved, c.toBuilder().setKernel("fused-vector").build());

        Cli.Result r = Cli.run("train", "--resume", moved.toString(), "--set", "training.epochs=4");
        assertThat(r.code()).isEqualTo(2);
        String command = SelfCommand.get() + " train --resume " + moved + " --kernel fused";
        assertThat(r.err()).contains(moved + ": this run was trained with the 'fused-vector' kernel, which cannot run here")
                .contains(command).contains("jdk.incubator.vector").doesNotContain("\tat ");
        // the unchanged checkpoint resumes fine
        assertThat(Cli.run("train", "--quiet", "--resume", last.toString(), "--set", "training.epochs=4").code()).isZero();
    }

    @Test
    void askedToTheResumeGoesOnOnAnotherKernelAndSaysItIsNotBitwise() throws Exception {
        Path config = config();
        assertThat(train(config, tmp.resolve("run"), 2, "--kernel", "layers").code()).isZero();
        Cli.Result r = Cli.run("train", "--quiet", "--resume", tmp.resolve("run/last.ckpt").toString(),
                "--set", "training.epochs=4", "--kernel", "fused");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err().trim()).isEqualTo("note: this run was trained with the 'layers' kernel and goes on with 'fused':"
                + " the continuation matches a straight run to float rounding, not bitwise");
        Checkpoint c = CheckpointFile.read(tmp.resolve("run/last.ckpt"));
        assertThat(c.getKernel()).isEqualTo("fused");
        assertThat(c.getPosition().getEpoch()).isEqualTo(4);
    }

    @Test
    void theSuggestedCommandIsOneAShellRunsWherever() {
        assertThat(SelfCommand.get()).startsWith("java -");
        assertThat(SelfCommand.quote("/a b/it's.jar")).isEqualTo("'/a b/it'\\''s.jar'");
        assertThat(SelfCommand.quote("/opt/sinapse.jar")).isEqualTo("/opt/sinapse.jar");
    }

    @Test
    void anUnknownKernelIsRefusedWithTheKnownOnes() throws Exception {
        Cli.Result r = train(config(), tmp.resolve("x"), 1, "--kernel", "warp");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().trim()).startsWith("error: --kernel: unknown kernel 'warp'").contains("fused").contains("layers");
    }
}
