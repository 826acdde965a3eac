package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.MetricRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training E epochs straight and E/2 + resume + E/2 give bitwise the same parameters and metric history. */
class ResumeTest {
    @TempDir
    Path tmp;

    @Test
    void fullBatchResumeIsBitExact() throws Exception {
        Path config = Cli.articleConfig(tmp, 600, "article");
        assertResumeIsExact(config, 40, "training.log_every=5");
    }

    @Test
    void miniBatchResumeWithShufflingAndAdamIsBitExact() throws Exception {
        Path config = Cli.articleConfig(tmp, 600, "minibatch");
        assertResumeIsExact(config, 4, "training.batch_size=32", "training.log_every=7",
                "optimizer.type=adam", "optimizer.learning_rate=0.01");
    }

    private void assertResumeIsExact(Path config, int epochs, String... sets) {
        Path straight = tmp.resolve("straight-" + epochs), split = tmp.resolve("split-" + epochs);
        assertThat(train(config, straight, epochs, sets).code()).isZero();
        assertThat(train(config, split, epochs / 2, sets).code()).isZero();

        Checkpoint half = CheckpointFile.read(split.resolve("last.ckpt"));
        assertThat(half.getPosition().getEpoch()).isEqualTo(epochs / 2);
        Cli.Result resumed = Cli.run("train", "--resume", split.resolve("last.ckpt").toString(),
                "--set", "training.epochs=" + epochs);
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming at step");

        Checkpoint a = CheckpointFile.read(straight.resolve("last.ckpt"));
        Checkpoint b = CheckpointFile.read(split.resolve("last.ckpt"));
        assertThat(b.getPosition()).isEqualTo(a.getPosition());
        assertThat(Tensors.paramsSha256(b.getParamsList())).isEqualTo(Tensors.paramsSha256(a.getParamsList()));
        assertThat(b.getParamsList()).isEqualTo(a.getParamsList());
        assertThat(b.getOptimizer()).isEqualTo(a.getOptimizer());
        assertThat(withoutTimes(b.getHistoryList())).isEqualTo(withoutTimes(a.getHistoryList()));
        assertThat(b.getRngsList()).isEqualTo(a.getRngsList());
    }

    private static Cli.Result train(Path config, Path out, int epochs, String... sets) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--quiet", "--config", config.toString(),
                "--out", out.toString(), "--set", "training.epochs=" + epochs));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        return Cli.run(args.toArray(String[]::new));
    }

    static List<MetricRecord> withoutTimes(List<MetricRecord> h) {
        return h.stream().map(m -> m.toBuilder().clearElapsedSeconds().build()).collect(Collectors.toList());
    }

    @Test
    void resumingAFinishedRunChangesNothing() throws Exception {
        Path config = Cli.articleConfig(tmp, 300, "article");
        Path run = tmp.resolve("done");
        assertThat(train(config, run, 3, "training.log_every=2").code()).isZero();
        byte[] metrics = java.nio.file.Files.readAllBytes(run.resolve("metrics.csv"));
        byte[] last = java.nio.file.Files.readAllBytes(run.resolve("last.ckpt"));
        Cli.Result r = Cli.run("train", "--resume", run.resolve("last.ckpt").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("this run already finished at step 3 (epoch 3 of 3)").contains("raise training.epochs");
        assertThat(run.resolve("metrics.csv")).hasBinaryContent(metrics);   // keeps its final, unscheduled row
        assertThat(run.resolve("last.ckpt")).hasBinaryContent(last);
    }

    @Test
    void resumeRefusesToChangeTheNetwork() throws Exception {
        Path config = Cli.articleConfig(tmp, 300, "article");
        Path run = tmp.resolve("run");
        assertThat(train(config, run, 2).code()).isZero();
        Cli.Result r = Cli.run("train", "--resume", run.resolve("last.ckpt").toString(),
                "--set", "network.layers[0].options.units=32");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--set network.layers[0].options").contains("cannot be changed when resuming")
                .contains("training.epochs");
    }
}
