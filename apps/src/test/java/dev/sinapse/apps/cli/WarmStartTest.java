package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.apps.Injection;
import dev.sinapse.apps.training.Checkpoints;
import dev.sinapse.apps.training.Trainer;
import dev.sinapse.apps.training.WarmStart;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.Provenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --init-from: a new run from a checkpoint's weights, matched by layer name, with its own optimizer and counters. */
class WarmStartTest {
    private static final String BATCH_NORM = """
            layers { name: "bn" type: "batch_norm" }
            layers { name: "relu" type: "relu" }
            """;
    private static final String ADAM = """
            optimizer { type: "adam" learning_rate: 0.01 }
            training { epochs: 2 batch_size: 50 log_every: 4 }
            """;

    @TempDir
    Path tmp;
    Path data;

    @BeforeEach
    void data() throws IOException {
        data = Cli.smallCsv(tmp, 400);
    }

    /** Before its first step, the warm-started network holds exactly the checkpoint's weights and batch-norm statistics. */
    @Test
    void theNetworkStartsFromTheCheckpointsWeightsAndStatistics() throws Exception {
        Path a = tmp.resolve("a");
        Checkpoint trained = Cli.train(Cli.config(tmp, "bn", data, BATCH_NORM, ADAM), a);
        assertThat(trained.getLayerStatesCount()).isEqualTo(1);

        Experiments.Loaded l = Experiments.fromCheckpoint(trained.getConfig(), List.of(), "a");
        Trainer t = Trainer.create(l.experiment(), Injection.registries(),
                Experiments.split(Experiments.loadData(l).rows(), l.experiment().getData()), Injection.kernels(), 1);
        assertThat(Checkpoints.snapshot(t, Provenance.getDefaultInstance()).getParamsList()).isNotEqualTo(trained.getParamsList());
        WarmStart.apply(t.network(), trained, a.resolve("last.ckpt"));

        Checkpoint start = Checkpoints.snapshot(t, Provenance.getDefaultInstance());
        assertThat(start.getParamsList()).isEqualTo(trained.getParamsList());
        assertThat(start.getLayerStatesList()).isEqualTo(trained.getLayerStatesList());
        assertThat(start.getPosition().getStep()).isZero();
    }

    @Test
    void aWarmStartIsANewRunWithAFreshOptimizerAndItsProvenance() throws Exception {
        Path config = Cli.config(tmp, "bn", data, BATCH_NORM, ADAM);
        Checkpoint a = Cli.train(config, tmp.resolve("a"));
        Path from = tmp.resolve("a/last.ckpt");
        assertThat(a.getPosition().getStep()).isEqualTo(8);   // 200 training rows in batches of 50, 2 epochs

        Cli.Result r = Cli.run("train", "--init-from", from.toString(), "--out", tmp.resolve("b").toString(),
                "--set", "training.epochs=1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("sinapse: 'bn' from " + from + " (its config); ")
                .contains("initialized from " + from + " (params_sha256 " + Tensors.paramsSha256(a.getParamsList()).substring(0, 12) + "…)");

        Checkpoint b = CheckpointFile.read(tmp.resolve("b/last.ckpt"));
        assertThat(b.getPosition().getStep()).isEqualTo(4);
        assertThat(b.getOptimizer().getState().getLongsOrThrow("t")).isEqualTo(4);   // Adam's own count restarted
        assertThat(b.getHistoryList()).extracting(m -> m.getStep()).containsExactly(4L);
        assertThat(b.getProvenance().getInitFrom()).isEqualTo(from.toAbsolutePath().toString());
        assertThat(b.getProvenance().getInitFromParamsSha256()).isEqualTo(Tensors.paramsSha256(a.getParamsList()));
        // it learned from where a stopped: after 4 steps its loss is below a fresh run's after 4
        Checkpoint fresh = Cli.train(config, tmp.resolve("fresh"), "--set", "training.epochs=1");
        assertThat(b.getHistory(0).getLoss()).isLessThan(fresh.getHistory(0).getLoss());
        assertThat(fresh.getProvenance().getInitFrom()).isEmpty();

        // a resume of the warm-started run still says where its weights came from
        Cli.Result resumed = Cli.run("train", "--quiet", "--resume", tmp.resolve("b/last.ckpt").toString(), "--set", "training.epochs=2");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        Provenance after = CheckpointFile.read(tmp.resolve("b/last.ckpt")).getProvenance();
        assertThat(after.getInitFrom()).isEqualTo(from.toAbsolutePath().toString());
        assertThat(after.getInitFromParamsSha256()).isEqualTo(Tensors.paramsSha256(a.getParamsList()));
        assertThat(Cli.run("inspect", tmp.resolve("b/last.ckpt").toString()).out())
                .contains("init from       " + from.toAbsolutePath() + " (params_sha256 " + Tensors.paramsSha256(a.getParamsList()) + ")");
    }

    @Test
    void everyMismatchIsALineNamingTheParameterAndBothShapes() throws Exception {
        Path config = Cli.config(tmp, "plain", data, "layers { name: \"relu\" type: \"relu\" }\n", ADAM);
        Cli.train(config, tmp.resolve("a"));
        Path from = tmp.resolve("a/last.ckpt");

        Cli.Result narrower = Cli.run("train", "--init-from", from.toString(), "--out", tmp.resolve("b").toString(),
                "--set", "network.layers[hidden].options.units=16");

        assertThat(narrower.code()).isEqualTo(2);
        assertThat(narrower.err()).isEqualTo("error: --init-from " + from + " does not fit this network (matched by layer name), 3 mismatches:\n"
                + "  hidden.W: 32x784 in the checkpoint, 16x784 in this network\n"
                + "  hidden.b: 1x32 in the checkpoint, 1x16 in this network\n"
                + "  output.W: 10x32 in the checkpoint, 10x16 in this network\n");
        assertThat(tmp.resolve("b")).doesNotExist();

        Path renamed = Files.writeString(tmp.resolve("renamed.textproto"), Files.readString(config).replace("\"output\"", "\"head\""));
        Cli.Result other = Cli.run("train", "--init-from", from.toString(), "--config", renamed.toString(), "--out", tmp.resolve("c").toString());
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).isEqualTo("error: --init-from " + from + " does not fit this network (matched by layer name), 4 mismatches:\n"
                + "  head.W: not in the checkpoint (this network's is 10x32)\n"
                + "  head.b: not in the checkpoint (this network's is 1x10)\n"
                + "  output.W: in the checkpoint (10x32), not in this network\n"
                + "  output.b: in the checkpoint (1x10), not in this network\n");
    }

    @Test
    void initFromWithResumeIsRefused() throws Exception {
        Cli.train(Cli.config(tmp, "plain", data, "", ADAM), tmp.resolve("a"));
        String ckpt = tmp.resolve("a/last.ckpt").toString();

        Cli.Result r = Cli.run("train", "--init-from", ckpt, "--resume", ckpt);

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: --init-from and --resume cannot be used together: --resume continues a run where it"
                + " stopped, optimizer and all; --init-from starts a new run from a checkpoint's weights\n");
    }

    /** --force into the directory the weights come from would delete them with the old run: refused, nothing touched. */
    @Test
    void forceWouldNotDeleteTheCheckpointItStartsFrom() throws Exception {
        Path config = Cli.config(tmp, "plain", data, "", ADAM);
        Cli.train(config, tmp.resolve("a"));
        Path from = tmp.resolve("a/last.ckpt");
        byte[] before = Files.readAllBytes(from);

        Cli.Result r = Cli.run("train", "--init-from", from.toString(), "--out", tmp.resolve("a").toString(), "--force");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: --force would delete " + from + ", the --init-from checkpoint, with the rest of the run in "
                + tmp.resolve("a") + "; copy it elsewhere first, or train into another --out directory\n");
        assertThat(Files.readAllBytes(from)).isEqualTo(before);
    }
}
