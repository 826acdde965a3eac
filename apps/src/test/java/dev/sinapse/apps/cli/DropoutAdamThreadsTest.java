package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.apps.training.Trainer;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.config.Experiments;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * wide-dropout's kind of network (dense layers, dropout, Adam, mini-batches of 64) on the layer-by-layer kernel, whose
 * batch gather, products, dropout masks and Adam update are all cut into tasks for the threads: 1, 2 and 3 threads
 * train to bitwise the same parameters.
 */
class DropoutAdamThreadsTest {
    @TempDir
    static Path tmp;
    private static Path digits;

    @BeforeAll
    static void data() throws IOException {
        digits = Cli.smallCsv(tmp, 300);
    }

    private static Trainer trainer(int threads) {
        String text = """
                name: "dropout-adam"
                data { path: "%s" dev_rows: 44 }
                network {
                  input_size: 784
                  layers { name: "hidden1" type: "dense" options: [{ key: "units" value: "96" }] }
                  layers { type: "relu" }
                  layers { type: "dropout" options: [{ key: "rate" value: "0.2" }] }
                  layers { name: "hidden2" type: "dense" options: [{ key: "units" value: "48" }] }
                  layers { type: "relu" }
                  layers { type: "dropout" options: [{ key: "rate" value: "0.2" }] }
                  layers { name: "output" type: "dense" options: [{ key: "units" value: "10" }] }
                  layers { type: "softmax" }
                }
                loss { type: "cross_entropy" }
                optimizer { type: "adam" learning_rate: 0.001 }
                training { epochs: 2 batch_size: 64 log_every: 1 seed: 5 }
                """.formatted(digits.toAbsolutePath());
        return Cli.trainer(Experiments.resolve(ConfigFiles.parseText(text, "dropout-adam.textproto"), List.of(), tmp,
                "dropout-adam.textproto"), threads);
    }

    private static List<float[]> values(Trainer t) {
        return Cli.values(t);
    }

    @Test
    void oneTwoAndThreeThreadsTrainToBitwiseTheSameParameters() {
        Trainer one = trainer(1);
        List<float[]> before = values(one);
        one.run(new Trainer.Listener() { }, () -> false);

        assertThat(one.kernel().name()).isEqualTo("layers");
        assertThat(one.step()).isEqualTo(8);   // 256 rows, 4 batches an epoch
        assertThat(values(one).get(0)).as("training moved hidden1.W").isNotEqualTo(before.get(0));
        for (int threads : new int[] {2, 3}) {
            Trainer t = trainer(threads);
            t.run(new Trainer.Listener() { }, () -> false);
            assertThat(values(t)).as("%d threads", threads).containsExactlyElementsOf(values(one));
        }
    }
}
