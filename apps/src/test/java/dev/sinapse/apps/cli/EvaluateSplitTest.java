package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sinapse.io.config.Experiments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate --split: the rows training held out (or trained on), split from the checkpoint's own data as training split it. */
class EvaluateSplitTest {
    private static final Pattern DONE = Pattern.compile("done: train accuracy (\\d\\.\\d{4}), dev accuracy (\\d\\.\\d{4})");

    @TempDir
    static Path tmp;
    static Path data;
    static Path ckpt;
    static String trainAccuracy;
    static String devAccuracy;

    @BeforeAll
    static void train() throws Exception {
        data = Cli.smallCsv(tmp, 1200);
        Path run = tmp.resolve("run");
        Cli.Result r = Cli.run("train", "--quiet", "--config", Cli.articleConfig(tmp, data, "split", "").toString(),
                "--out", run.toString(), "--set", "training.epochs=40");
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = DONE.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        trainAccuracy = m.group(1);
        devAccuracy = m.group(2);
        ckpt = run.resolve("last.ckpt");
    }

    /** The honest numbers: evaluate's dev and train accuracies are the ones train reported, on 200 and 1000 rows. */
    @Test
    void theSplitsAreTheRowsTrainingUsedAndGiveItsAccuracies() {
        JsonObject dev = json("evaluate", "--checkpoint", ckpt.toString(), "--json");   // no --data: the dev split
        assertThat(dev.get("rows").getAsInt()).isEqualTo(200);
        assertThat(dev.get("split").getAsString()).isEqualTo("dev");
        assertThat(dev.get("data").getAsString()).isEqualTo(data.toAbsolutePath().toString());
        assertThat(String.format(Locale.ROOT, "%.4f", dev.get("accuracy").getAsDouble())).isEqualTo(devAccuracy);

        JsonObject train = json("evaluate", "--checkpoint", ckpt.toString(), "--split", "train", "--json");
        assertThat(train.get("rows").getAsInt()).isEqualTo(1000);
        assertThat(String.format(Locale.ROOT, "%.4f", train.get("accuracy").getAsDouble())).isEqualTo(trainAccuracy);

        JsonObject all = json("evaluate", "--checkpoint", ckpt.toString(), "--split", "all", "--json");
        JsonObject whole = json("evaluate", "--checkpoint", ckpt.toString(), "--data", data.toString(), "--json");
        assertThat(all.get("rows").getAsInt()).isEqualTo(1200);
        assertThat(all.get("correct").getAsLong())
                .isEqualTo(dev.get("correct").getAsLong() + train.get("correct").getAsLong())
                .isEqualTo(whole.get("correct").getAsLong());
        assertThat(whole.get("split").isJsonNull()).isTrue();

        Cli.Result text = Cli.run("evaluate", "--checkpoint", ckpt.toString(), "--split", "dev", "--data", data.toString());
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains("data      " + data.toAbsolutePath() + ", dev split: 200 of its 1200 rows (data.dev_rows 200, shuffle_seed 0)\n")
                .contains("accuracy  " + devAccuracy + " (");
    }

    @Test
    void aChangedDataFileIsRefusedForASplitButScoresWhole() throws Exception {
        Path changed = tmp.resolve("changed.csv");
        Files.writeString(changed, Files.readString(data).replaceFirst("\n(\\d),", "\n" + "$1" + ",1"));   // one pixel differs

        Cli.Result r = Cli.run("evaluate", "--checkpoint", ckpt.toString(), "--data", changed.toString(), "--split", "dev");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: " + changed.toAbsolutePath() + ": not the data " + ckpt + " was trained on (SHA-256 ")
                .endsWith("… now); its --split dev would not be the rows training used\n");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(Cli.run("evaluate", "--checkpoint", ckpt.toString(), "--data", changed.toString()).code()).isZero();
    }

    @Test
    void aMovedDataFileIsNamedWithTheWayToPointAtIt() throws Exception {
        Path moved = tmp.resolve("moved");
        Path run = Cli.trainedRun(Files.createDirectories(moved), 300, 3);
        Path csv = moved.resolve("digits-300.csv");
        Path elsewhere = Files.move(csv, tmp.resolve("elsewhere.csv"));

        Cli.Result lost = Cli.run("evaluate", "--checkpoint", run.resolve("last.ckpt").toString());
        assertThat(lost.code()).isEqualTo(2);
        assertThat(lost.err()).isEqualTo("error: " + csv.toAbsolutePath() + ": file not found (the training data of "
                + run.resolve("last.ckpt") + "); if it moved, name it with --data FILE\n");

        Cli.Result found = Cli.run("evaluate", "--checkpoint", run.resolve("last.ckpt").toString(), "--data", elsewhere.toString(),
                "--split", "dev");
        assertThat(found.code()).as(found.err()).isZero();
        assertThat(found.out()).contains(", dev split: 200 of its 300 rows");
    }

    @Test
    void aRunOnTheBundledSampleIsSplitFromTheSample() {
        Path run = tmp.resolve("bundled");
        Cli.Result r = Cli.run("train", "--quiet", "--out", run.toString(), "--set", "training.epochs=2");
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = DONE.matcher(r.out());
        assertThat(m.find()).isTrue();

        JsonObject dev = json("evaluate", "--checkpoint", run.resolve("last.ckpt").toString(), "--json");

        assertThat(dev.get("data").getAsString()).isEqualTo(Experiments.BUNDLED_DATA_NAME);
        assertThat(dev.get("rows").getAsInt()).isEqualTo(1000);
        assertThat(String.format(Locale.ROOT, "%.4f", dev.get("accuracy").getAsDouble())).isEqualTo(m.group(2));
    }

    @Test
    void anUnknownSplitIsNamed() {
        Cli.Result r = Cli.run("evaluate", "--checkpoint", ckpt.toString(), "--split", "test");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: --split test: expected one of dev, train, all\n");
    }

    private static JsonObject json(String... args) {
        Cli.Result r = Cli.run(args);
        assertThat(r.code()).as(r.err()).isZero();
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }
}
