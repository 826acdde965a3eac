package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Compute;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.cli.ConsoleReporter;
import dev.sinapse.apps.training.Trainer;
import dev.sinapse.io.config.Experiments;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleReporterTest {
    @TempDir
    Path tmp;

    /** Trains the article network on 100 rows (200 are dev) with a clock that moves 30 ms per reading. */
    private String train(boolean live, String... sets) throws Exception {
        return train(live, 80, sets);
    }

    private String train(boolean live, int width, String... sets) throws Exception {
        Path data = Cli.smallCsv(tmp, 300);
        Experiments.Loaded l = Experiments.load(Cli.articleConfig(tmp, data, "progress", ""), List.of(sets));
        Trainer t = Trainer.create(l.experiment(), Injection.registries(),
                Experiments.split(Experiments.loadData(l).rows(), l.experiment().getData()), Injection.kernels(), 1);
        StringWriter text = new StringWriter();
        long[] now = {0};
        ConsoleReporter reporter = new ConsoleReporter(new PrintWriter(text), live, () -> now[0] += 30_000_000L, width);
        t.run(reporter, () -> false);
        return text.toString();
    }

    @Test
    void onATerminalOneLineIsRedrawnInPlaceWithStepLossSpeedAndEta() throws Exception {
        String out = train(true, "training.epochs=20", "training.log_every=5");
        assertThat(out).endsWith("\n");
        assertThat(out.chars().filter(c -> c == '\n').count()).as("one line, ended once at the end").isEqualTo(1);
        String[] frames = out.strip().split("\r");
        assertThat(frames.length).isGreaterThan(4);
        String last = frames[frames.length - 1].strip();
        assertThat(last).startsWith("step 20/20 100%").contains("steps/s ETA 0:00").containsPattern("loss \\d\\.\\d{3} acc \\d\\.\\d{3} dev_acc \\d\\.\\d{3}");
        // every frame fits an 80-column terminal, and a shorter frame blanks out the longer one before it
        for (int i = 1; i < frames.length; i++) {
            assertThat(frames[i].length()).isLessThan(80).isGreaterThanOrEqualTo(frames[i - 1].stripTrailing().length());
        }
        assertThat(Arrays.stream(frames).anyMatch(f -> f.matches("step (1|2|3|4|6|7|8|9)/20 .*"))).as("redrawn between log points").isTrue();
    }

    @Test
    void miniBatchRunsShowTheEpochToo() throws Exception {
        String out = train(true, "training.epochs=2", "training.batch_size=50", "training.log_every=2");
        String[] frames = out.strip().split("\r");
        assertThat(frames[frames.length - 1]).startsWith("epoch 2/2 step 4/4 100%");   // 100 train rows / 50
    }

    @Test
    void aNarrowTerminalLosesWholeFieldsFromTheEndNotHalfWords() throws Exception {
        String out = train(true, 40, "training.epochs=20", "training.log_every=5");
        String[] frames = out.strip().split("\r");
        String last = frames[frames.length - 1].strip();
        assertThat(last).matches("step 20/20 100%  \\d+ steps/s ETA 0:00");
        assertThat(frames).allMatch(f -> f.length() < 40);
    }

    @Test
    void elsewherePlainLinesOnePerLoggedStep() throws Exception {
        String out = train(false, "training.epochs=20", "training.log_every=5");
        assertThat(out).doesNotContain("\r");
        assertThat(out.lines().toList()).hasSize(4).allMatch(l -> l.matches("step (\\s5|10|15|20)/20  epoch \\d+  loss .*"));
    }

    @Test
    void durationsReadAsMinutesAndSecondsOrHours() {
        assertThat(ConsoleReporter.duration(0)).isEqualTo("0:00");
        assertThat(ConsoleReporter.duration(59.4)).isEqualTo("0:59");
        assertThat(ConsoleReporter.duration(61)).isEqualTo("1:01");
        assertThat(ConsoleReporter.duration(3725)).isEqualTo("1:02:05");
    }
}
