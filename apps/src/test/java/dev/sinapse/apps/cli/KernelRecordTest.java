package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.NamedState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint records which batch kernel trained it; a resume that would use another one is refused. */
class KernelRecordTest {
    @TempDir
    Path tmp;

    @Test
    void resumeOnAnotherKernelIsRefusedWithTheWayOut() throws Exception {
        Path data = Cli.smallCsv(tmp, 300);
        Path config = Cli.articleConfig(tmp, data, "kernel", "");
        Path run = tmp.resolve("run");
        assertThat(Cli.run("train", "--quiet", "--config", config.toString(), "--out", run.toString(),
                "--set", "training.epochs=4").code()).isZero();
        Path last = run.resolve("last.ckpt");
        Checkpoint c = CheckpointFile.read(last);
        String used = c.getEarlyStopping().getLongsMap().keySet().stream().filter(k -> k.startsWith("kernel:"))
                .findFirst().orElseThrow().substring("kernel:".length());
        assertThat(used).isIn("fused", "fused-vector");

        String other = used.equals("fused") ? "fused-vector" : "fused";
        NamedState es = c.getEarlyStopping().toBuilder().removeLongs("kernel:" + used).putLongs("kernel:" + other, 1).build();
        Path moved = tmp.resolve("other-kernel.ckpt");
        CheckpointFile.write(moved, c.toBuilder().setEarlyStopping(es).build());

        Cli.Result r = Cli.run("train", "--resume", moved.toString(), "--set", "training.epochs=8");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(moved + ": this run was trained with the '" + other + "' kernel, this Java would use '"
                + used + "'").contains("--add-modules jdk.incubator.vector");
        // the unchanged checkpoint resumes fine
        assertThat(Cli.run("train", "--quiet", "--resume", last.toString(), "--set", "training.epochs=8").code()).isZero();
    }
}
