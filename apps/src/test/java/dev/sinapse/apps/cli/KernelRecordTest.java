package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.proto.Checkpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint records which batch kernel trained it; a resume goes on with that kernel, or is refused with the way
 * out where it cannot run.
 */
class KernelRecordTest {
    @TempDir
    Path tmp;

    @Test
    void resumeGoesOnWithTheRecordedKernelOrIsRefusedWithTheWayOut() throws Exception {
        Path data = Cli.smallCsv(tmp, 300);
        Path config = Cli.articleConfig(tmp, data, "kernel", "");
        Path run = tmp.resolve("run");
        assertThat(Cli.run("train", "--quiet", "--config", config.toString(), "--out", run.toString(),
                "--set", "training.epochs=4").code()).isZero();
        Path last = run.resolve("last.ckpt");
        Checkpoint c = CheckpointFile.read(last);
        String used = c.getKernel();
        assertThat(used).isIn("fused", "fused-vector");

        String other = used.equals("fused") ? "fused-vector" : "fused";
        Path moved = tmp.resolve("other-kernel.ckpt");
        CheckpointFile.write(moved, c.toBuilder().setKernel(other).build());

        Cli.Result r = Cli.run("train", "--resume", moved.toString(), "--set", "training.epochs=8");
        if (other.equals("fused-vector")) {
            // this Java chose the plain kernel, so it cannot run the vector one: refused, with the way out
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains(moved + ": this run was trained with the 'fused-vector' kernel, which cannot run here")
                    .contains("--add-modules jdk.incubator.vector");
        } else {
            // the plain kernel runs anywhere: the run goes on with the kernel that trained it
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).containsPattern("(?m)^kernel: fused$");
        }
        // the unchanged checkpoint resumes fine
        assertThat(Cli.run("train", "--quiet", "--resume", last.toString(), "--set", "training.epochs=8").code()).isZero();
    }
}
