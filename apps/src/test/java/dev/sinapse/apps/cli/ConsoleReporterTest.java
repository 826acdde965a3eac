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
    void onATerminalOneLineIsRedrawnInPlaceAndALineIsKeptPerEvaluation() throws Exception {
        // 20 full-batch steps, a point every 5, the article's evaluation every 10 steps
        String out = train(true, "training.epochs=20", "training.log_every=5");
        assertThat(out).endsWith("\n");
        List<String> lines = List.of(out.split("\n"));
        assertThat(lines).as("a kept line at the evaluations of steps 10 and 20, then the live line, ended once at the end").hasSize(3);
        assertThat(lastFrame(lines.get(0))).matches("step 10/20  epoch 10/20  loss \\d\\.\\d{4}  train_acc \\d\\.\\d{4}"
                + "  dev_loss \\d\\.\\d{4}  dev_acc \\d\\.\\d{4}  lr 0\\.1000\\s*");
        assertThat(lastFrame(lines.get(1))).startsWith("step 20/20  epoch 20/20  loss ");
        String[] frames = lines.get(2).split("\r");
        String last = frames[frames.length - 1].strip();
        // the last dev loss and accuracy stay on the live line
        assertThat(last).matches("step 20/20 100% ETA 0:00  dev_loss \\d\\.\\d{3} dev_acc \\d\\.\\d{3}  loss \\d\\.\\d{3} acc \\d\\.\\d{3}");
        // every live frame fits an 80-column terminal, and a shorter frame blanks out the longer one before it
        for (int i = 1; i < frames.length; i++) {
            assertThat(frames[i].length()).isLessThan(80).isGreaterThanOrEqualTo(frames[i - 1].stripTrailing().length());
        }
        assertThat(out.split("\r")).as("redrawn between points").anyMatch(f -> f.matches("step (1|2|3|4|6|7|8|9)/20 .*"));
    }

    @Test
    void miniBatchRunsShowTheEpochToo() throws Exception {
        String out = train(true, "training.epochs=2", "training.batch_size=50", "training.log_every=2");
        String[] frames = out.strip().split("\r");
        assertThat(frames[frames.length - 1]).startsWith("epoch 2/2 step 4/4 100%");   // 100 train rows / 50
    }

    @Test
    void epochsAreNumberedAlikeOnATerminalAndInAPipe() throws Exception {
        // 2 steps an epoch; step 1 belongs to epoch 1 and step 3 to epoch 2, in both modes
        String pipe = train(false, "training.epochs=2", "training.batch_size=50", "training.log_every=1");
        assertThat(pipe.lines().toList()).extracting(l -> l.substring(0, l.indexOf("  loss")))
                .containsExactly("step 1/4  epoch 1/2", "step 2/4  epoch 1/2", "step 3/4  epoch 2/2", "step 4/4  epoch 2/2");
        String live = train(true, "training.epochs=2", "training.batch_size=50", "training.log_every=1");
        assertThat(live.split("\r")).anyMatch(f -> f.startsWith("epoch 1/2 step 1/4 "))
                .anyMatch(f -> f.startsWith("epoch 2/2 step 3/4 ")).noneMatch(f -> f.startsWith("epoch 2/2 step 2/4 "));
    }

    @Test
    void withoutADevSetTheDevFieldsAreLeftOutNotPrintedAsNaN() throws Exception {
        String pipe = train(false, "training.epochs=20", "training.log_every=5", "data.dev_rows=0");
        assertThat(pipe.lines().toList()).hasSize(4).allMatch(l -> l.matches("step (\\s5|10|15|20)/20  epoch \\d+/20  loss \\S+  train_acc \\S+  lr \\S+"));
        String live = train(true, "training.epochs=20", "training.log_every=5", "data.dev_rows=0");
        assertThat(live).doesNotContain("NaN").doesNotContain("dev");
        assertThat(live.chars().filter(c -> c == '\n').count()).as("no evaluation, no kept line").isEqualTo(1);
    }

    @Test
    void aNarrowTerminalLosesWholeFieldsFromTheEndNotHalfWords() throws Exception {
        String out = train(true, 40, "training.epochs=20", "training.log_every=5");
        String[] lines = out.split("\n");
        String[] frames = lines[lines.length - 1].split("\r");
        String last = frames[frames.length - 1].strip();
        assertThat(last).matches("step 20/20 100% ETA 0:00");
        assertThat(frames).allMatch(f -> f.length() < 40);
    }

    @Test
    void elsewherePlainLinesOnePerPoint() throws Exception {
        // points every 5 steps; the evaluations (every 10) fall on them
        String out = train(false, "training.epochs=20", "training.log_every=5", "training.eval_every.steps=4");
        assertThat(out).doesNotContain("\r");
        List<String> lines = out.lines().toList();
        assertThat(lines).extracting(l -> l.substring(0, l.indexOf('/')))
                .containsExactly("step  4", "step  5", "step  8", "step 10", "step 12", "step 15", "step 16", "step 20");
        assertThat(lines).filteredOn(l -> l.contains("dev_acc")).extracting(l -> l.substring(0, l.indexOf('/')))
                .containsExactly("step  4", "step  8", "step 12", "step 16", "step 20");
    }

    private static String lastFrame(String line) {
        String[] frames = line.split("\r");
        return frames[frames.length - 1];
    }

    @Test
    void durationsReadAsMinutesAndSecondsOrHours() {
        assertThat(ConsoleReporter.duration(0)).isEqualTo("0:00");
        assertThat(ConsoleReporter.duration(59.4)).isEqualTo("0:59");
        assertThat(ConsoleReporter.duration(61)).isEqualTo("1:01");
        assertThat(ConsoleReporter.duration(3725)).isEqualTo("1:02:05");
    }
}
