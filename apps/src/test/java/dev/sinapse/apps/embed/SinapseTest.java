package dev.sinapse.apps.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API gives what the command line gives: the same run directory, the same predictions, the same errors. */
class SinapseTest {
    @TempDir
    static Path tmp;
    static Path csv;
    static Path config;
    static Model trained;

    @BeforeAll
    static void train() throws IOException {
        csv = Digits.csv(tmp, 300);
        config = Digits.articleConfig(tmp, csv);
        trained = Sinapse.train(config, tmp.resolve("run"), "training.epochs=30");
    }

    @Test
    void trainWritesTheRunDirectoryOfTheCommandLineAndReturnsItsBestModel() {
        assertThat(tmp.resolve("run/last.ckpt")).exists();
        assertThat(tmp.resolve("run/config.textproto")).content().contains("epochs: 30");
        assertThat(trained.checkpoint()).isEqualTo(tmp.resolve("run/best.ckpt"));
        assertThat(trained.inputs()).isEqualTo(784);
        assertThat(trained.classes()).isEqualTo(10);
    }

    @Test
    void aTableModelPredictsTheNamesThePredictCommandWritesFromRawValues() throws IOException {
        Path example = Path.of(System.getProperty("basedir", "")).resolve("configs/tabular-example.textproto");
        Model table = Sinapse.train(example, tmp.resolve("table"), "training.epochs=5");
        Path data = example.resolveSibling("data/breast-cancer-wisconsin.csv");
        List<String> lines = Files.readAllLines(data);
        List<String> header = List.of(lines.get(0).split(","));
        int label = header.indexOf("diagnosis");
        float[][] rows = new float[lines.size() - 1][];
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            rows[i - 1] = new float[cells.length - 1];
            for (int j = 0, f = 0; j < cells.length; j++) {
                if (j != label) {
                    rows[i - 1][f++] = Float.parseFloat(cells[j]);   // raw values: the model standardises them
                }
            }
        }
        Path out = tmp.resolve("table-predicted.csv");
        assertThat(run("predict", "--checkpoint", table.checkpoint().toString(), "--input", data.toString(), "--output",
                out.toString())).isEmpty();
        List<String> written = Files.readAllLines(out);             // Id,diagnosis

        int[] predicted = table.predict(rows);

        assertThat(table.classNames()).containsExactly("benign", "malignant");
        for (int i = 0; i < rows.length; i++) {
            assertThat(table.classNames().get(predicted[i])).as("row %d", i).isEqualTo(written.get(i + 1).split(",")[1]);
        }
    }

    @Test
    void predictGivesWhatThePredictCommandWritesForTheSameRows() throws IOException {
        List<String> lines = Files.readAllLines(csv);
        float[][] rows = new float[lines.size() - 1][];
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            rows[i - 1] = new float[cells.length - 1];
            for (int j = 1; j < cells.length; j++) {                // column 0 is the label
                rows[i - 1][j - 1] = Float.parseFloat(cells[j]);
            }
        }
        Path out = tmp.resolve("predicted.csv");
        assertThat(run("predict", "--checkpoint", trained.checkpoint().toString(), "--input", csv.toString(), "--output",
                out.toString())).isEmpty();
        List<String> written = Files.readAllLines(out);             // ImageId,Label

        int[] batch = trained.predict(rows);

        assertThat(written).hasSize(rows.length + 1);
        for (int i = 0; i < rows.length; i++) {
            assertThat(batch[i]).as("row %d", i).isEqualTo(Integer.parseInt(written.get(i + 1).split(",")[1]));
            assertThat(trained.predict(rows[i])).isEqualTo(batch[i]);
        }
        float[] p = trained.probabilities(rows[0]);
        double sum = 0;
        for (float v : p) {
            sum += v;
        }
        assertThat(sum).isCloseTo(1.0, within(1e-5));
        assertThat(p[batch[0]]).isEqualTo(max(p));
    }

    @Test
    void loadGivesTheModelTrainReturned() {
        float[][] rows = {new float[784], new float[784]};
        rows[1][400] = 255f;

        assertThat(Sinapse.load(tmp.resolve("run/best.ckpt")).probabilities(rows)).isEqualTo(trained.probabilities(rows));
    }

    @Test
    void aRowOfTheWrongWidthIsRefusedNamingBothWidths() {
        assertThatThrownBy(() -> trained.predict(new float[3])).isInstanceOf(SinapseException.class)
                .hasMessage("row 0 has 3 features, but the model in " + trained.checkpoint() + " takes 784");
    }

    @Test
    void aBadOverrideIsTheCommandLinesErrorLine() {
        String line = run("train", "--config", config.toString(), "--out", tmp.resolve("bad-cli").toString(), "--set", "training.epochz=3");

        assertThatThrownBy(() -> Sinapse.train(config, tmp.resolve("bad"), "training.epochz=3"))
                .isInstanceOf(SinapseException.class).hasMessage(line.trim().substring("error: ".length()));
    }

    @Test
    void aMissingCheckpointIsAUserError() {
        assertThatThrownBy(() -> Sinapse.load(tmp.resolve("nope.ckpt"))).isInstanceOf(SinapseException.class)
                .hasMessageContaining("nope.ckpt");
    }

    /** The command line's stderr. */
    private static String run(String... args) {
        StringWriter err = new StringWriter();
        Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        return err.toString();
    }

    private static float max(float[] p) {
        float m = p[0];
        for (float v : p) {
            m = Math.max(m, v);
        }
        return m;
    }
}
