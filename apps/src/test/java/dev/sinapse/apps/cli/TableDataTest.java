package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.data.TableDataset;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.DataTransform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** data.format "table" end to end: the shipped example trains, its checkpoint keeps the transform, predict writes names. */
class TableDataTest {
    private static final Path CONFIGS = Path.of(System.getProperty("basedir", "")).resolve("configs");
    private static final Path EXAMPLE = CONFIGS.resolve("tabular-example.textproto");
    private static final Path DATA = CONFIGS.resolve("data/breast-cancer-wisconsin.csv");

    @TempDir
    static Path tmp;
    static Path ckpt;

    @BeforeAll
    static void train() {
        Cli.Result r = Cli.run("train", "--quiet", "--config", EXAMPLE.toString(), "--out", tmp.resolve("run").toString(),
                "--set", "training.epochs=15");
        assertThat(r.code()).as(r.err()).isZero();
        ckpt = tmp.resolve("run/last.ckpt");
    }

    @Test
    void theCheckpointKeepsTheNamesAndTheZscoreFittedOnTheTrainingRowsAlone() {
        Checkpoint c = CheckpointFile.read(ckpt);
        DataTransform t = c.getDataTransform();
        assertThat(t.getClassNamesList()).containsExactly("benign", "malignant");
        assertThat(t.getFeatureNamesCount()).isEqualTo(30);
        assertThat(t.getFeatureNames(3)).isEqualTo("area_mean");
        // the mean and population deviation of area_mean over the 455 training rows, summed here in double
        Experiments.Loaded l = Experiments.load(EXAMPLE, List.of());
        TableDataset train = (TableDataset) Experiments.split(Experiments.loadData(l).rows(), l.experiment().getData()).train();
        assertThat(train.size()).isEqualTo(455);
        double sum = 0, squares = 0;
        for (int i = 0; i < train.size(); i++) {
            sum += train.raw(i, 3);
        }
        double mean = sum / train.size();
        for (int i = 0; i < train.size(); i++) {
            squares += (train.raw(i, 3) - mean) * (train.raw(i, 3) - mean);
        }
        assertThat((double) t.getShift(3)).isCloseTo(mean, within(1e-3));
        assertThat((double) t.getFactor(3)).isCloseTo(1 / Math.sqrt(squares / train.size()), within(1e-7));
    }

    @Test
    void predictWritesTheOriginalClassNamesAndAgreesWithTheLabels() throws IOException {
        Path out = tmp.resolve("pred.csv");
        Cli.Result r = Cli.run("predict", "--checkpoint", ckpt.toString(), "--input", DATA.toString(), "--output", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> pred = Files.readAllLines(out);
        List<String> data = Files.readAllLines(DATA);
        assertThat(pred.get(0)).isEqualTo("Id,diagnosis");
        assertThat(pred).hasSize(570);
        int right = 0;
        for (int i = 1; i < pred.size(); i++) {
            String label = pred.get(i).split(",")[1];
            assertThat(label).isIn("benign", "malignant");
            right += data.get(i).endsWith("," + label) ? 1 : 0;
        }
        assertThat(right / 569.0).isGreaterThan(0.9);
    }

    @Test
    void aLabelUnseenInTrainingIsOneLineAndExitTwo() throws IOException {
        List<String> lines = Files.readAllLines(DATA);
        Path bad = tmp.resolve("bad.csv");
        Files.write(bad, List.of(lines.get(0), lines.get(1), lines.get(2).replaceAll(",[a-z]+$", ",unsure")));
        Cli.Result r = Cli.run("evaluate", "--checkpoint", ckpt.toString(), "--data", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: " + bad + " line 3, column diagnosis: label 'unsure' is not a class the model"
                + " was trained on (benign, malignant)" + System.lineSeparator());
    }

    @Test
    void evaluateNamesTheClasses() {
        Cli.Result r = Cli.run("evaluate", "--checkpoint", ckpt.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("classes   0 = benign, 1 = malignant", "114 of its 569 rows");
    }

    /**
     * The digits written as 0..1 floats (pixel/255, as many Kaggle copies are) and read as a table train to the
     * accuracy of the same digits read as bytes: the inputs differ only by the rounding of six decimals.
     */
    @Test
    void floatDigitsReadAsATableTrainLikeTheBytes() throws IOException {
        Path bytes = Cli.smallCsv(tmp, 600);
        List<String> lines = Files.readAllLines(bytes);
        StringBuilder floats = new StringBuilder(lines.get(0)).append('\n');
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            floats.append(cells[0]);
            for (int j = 1; j < cells.length; j++) {
                floats.append(',').append(String.format(Locale.ROOT, "%.6f", Integer.parseInt(cells[j]) / 255.0));
            }
            floats.append('\n');
        }
        Path floatCsv = tmp.resolve("digits-float.csv");
        Files.writeString(floatCsv, floats);
        double byteAccuracy = devAccuracy("bytes", "data.path=" + bytes);
        double floatAccuracy = devAccuracy("floats", "data.path=" + floatCsv, "data.format=table",
                "data.pixel_scale=1");   // the article config divides by 255; these values are 0..1 already
        assertThat(byteAccuracy).as("well above chance, 0.1").isGreaterThan(0.3);
        assertThat(floatAccuracy).isCloseTo(byteAccuracy, within(0.02));
    }

    private static double devAccuracy(String name, String... sets) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--quiet", "--out", tmp.resolve(name).toString(),
                "--set", "data.dev_rows=100", "--set", "training.epochs=60", "--kernel", "layers"));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        return CheckpointFile.read(tmp.resolve(name).resolve("last.ckpt")).getHistoryList().stream()
                .reduce((a, b) -> b).orElseThrow().getDevAccuracy();
    }
}
