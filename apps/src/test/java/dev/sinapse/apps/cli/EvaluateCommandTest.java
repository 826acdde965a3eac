package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.sinapse.apps.report.Charts;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
    @TempDir
    static Path tmp;
    static ReferenceModel.Trained trained;

    @BeforeAll
    static void train() throws Exception {
        trained = ReferenceModel.Trained.run(tmp, 1200, 40, 400);
    }

    @Test
    void accuracyLossAndConfusionMatrixEqualAnIndependentForwardPass() throws Exception {
        long[][] C = new long[10][10];
        double lossSum = 0;
        for (ReferenceModel.Row r : trained.rows()) {
            C[r.label()][trained.reference().predict(r.pixels())]++;
            lossSum += trained.reference().crossEntropy(r.pixels(), r.label());
        }
        long right = 0;
        for (int k = 0; k < 10; k++) {
            right += C[k][k];
        }

        Cli.Result res = Cli.run("evaluate", "--checkpoint", trained.ckpt().toString(), "--data", trained.data().toString(), "--json");
        assertThat(res.code()).as(res.err()).isZero();
        Struct.Builder json = Struct.newBuilder();
        JsonFormat.parser().merge(res.out(), json);
        var f = json.getFieldsMap();
        assertThat(f.get("rows").getNumberValue()).isEqualTo(400);
        assertThat(f.get("accuracy").getNumberValue()).isCloseTo(right / 400.0, within(1e-12));
        assertThat(f.get("loss").getNumberValue()).isCloseTo(lossSum / 400, within(1e-4));
        List<Value> matrix = f.get("confusion_matrix").getListValue().getValuesList();
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                assertThat((long) matrix.get(t).getListValue().getValues(p).getNumberValue())
                        .as("C[%d][%d]", t, p).isEqualTo(C[t][p]);
            }
        }
        // class 3 by the definitions, from the independent counts
        long col3 = 0, row3 = 0;
        for (int k = 0; k < 10; k++) {
            col3 += C[k][3];
            row3 += C[3][k];
        }
        Struct class3 = f.get("classes").getListValue().getValues(3).getStructValue();
        assertThat(class3.getFieldsMap().get("precision").getNumberValue()).isCloseTo(C[3][3] / (double) col3, within(1e-12));
        assertThat(class3.getFieldsMap().get("recall").getNumberValue()).isCloseTo(C[3][3] / (double) row3, within(1e-12));
        assertThat(class3.getFieldsMap().get("support").getNumberValue()).isEqualTo(row3);
        // counts are JSON integers, for any JSON library: "rows": 400, never 400.0
        var numbers = JsonNumbers.byKey(res.out());
        for (String key : List.of("step", "rows", "correct", "confusion_matrix", "class", "support")) {
            assertThat(numbers.get(key)).as(key).isNotEmpty().allMatch(t -> t.matches("-?\\d+"), "an integer token");
        }
        assertThat(res.out()).contains("\"rows\": 400,");
    }

    @Test
    void textReportShowsEachConfusionRowAsCountsAndTheAccuracy() {
        long[][] C = new long[10][10];
        for (ReferenceModel.Row r : trained.rows()) {
            C[r.label()][trained.reference().predict(r.pixels())]++;
        }
        Cli.Result res = Cli.run("evaluate", "--checkpoint", trained.ckpt().toString(), "--data", trained.data().toString());
        assertThat(res.code()).as(res.err()).isZero();
        for (int t = 0; t < 10; t++) {
            StringBuilder row = new StringBuilder("(?m)^\\s+" + t);
            long support = 0;
            for (int p = 0; p < 10; p++) {
                row.append("\\s+").append(C[t][p]);
                support += C[t][p];
            }
            row.append("\\s+\\|\\s+").append(support).append("$");
            assertThat(res.out()).containsPattern(row.toString());
        }
        assertThat(res.out()).containsPattern("accuracy\\s+0\\.\\d{4} \\(\\d+ of 400 right\\)")
                .contains("precision").contains("recall").contains("f1").containsPattern("(?m)^macro ");
    }

    @Test
    void heatMapIsAPngOfTenByTenCells() throws Exception {
        Path png = tmp.resolve("pictures/confusion.png");
        Cli.Result res = Cli.run("evaluate", "--checkpoint", trained.ckpt().toString(), "--data", trained.data().toString(), "--png", png.toString());
        assertThat(res.code()).as(res.err()).isZero();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(Charts.CM_LEFT + 10 * Charts.CELL + Charts.CM_RIGHT);
        assertThat(img.getHeight()).isEqualTo(Charts.CM_TOP + 10 * Charts.CELL + Charts.CM_BOTTOM);
        // a cell's corner shows its colour: the cell with the largest share of its row is blue, an empty one white
        long[][] C = new long[10][10];
        for (ReferenceModel.Row r : trained.rows()) {
            C[r.label()][trained.reference().predict(r.pixels())]++;
        }
        int bt = 0, bp = 0, zt = -1, zp = -1;
        double best = -1;
        for (int t = 0; t < 10; t++) {
            long support = 0;
            for (int p = 0; p < 10; p++) {
                support += C[t][p];
            }
            for (int p = 0; p < 10; p++) {
                if (support > 0 && C[t][p] / (double) support > best) {
                    best = C[t][p] / (double) support;
                    bt = t;
                    bp = p;
                }
                if (C[t][p] == 0) {
                    zt = t;
                    zp = p;
                }
            }
        }
        int strong = img.getRGB(Charts.CM_LEFT + bp * Charts.CELL + 3, Charts.CM_TOP + bt * Charts.CELL + 3);
        assertThat(blue(strong)).isGreaterThan(red(strong) + 40);
        assertThat(zt).as("some pair never occurs in 400 rows").isNotNegative();
        int empty = img.getRGB(Charts.CM_LEFT + zp * Charts.CELL + 3, Charts.CM_TOP + zt * Charts.CELL + 3);
        assertThat(red(empty)).isGreaterThan(240);
    }

    @Test
    void anUnlabelledFileIsAUserErrorPointingToPredict() throws Exception {
        Path test = ReferenceModel.withoutLabels(trained.data(), tmp.resolve("test.csv"));
        Cli.Result res = Cli.run("evaluate", "--checkpoint", trained.ckpt().toString(), "--data", test.toString());
        assertThat(res.code()).isEqualTo(2);
        assertThat(res.err().trim()).contains("test.csv line 1").contains("'label'").contains("predict").doesNotContain("\n");
    }

    @Test
    void aMissingCheckpointIsAUserErrorNamingIt() {
        Cli.Result res = Cli.run("evaluate", "--checkpoint", tmp.resolve("nope.ckpt").toString(), "--data", trained.data().toString());
        assertThat(res.code()).isEqualTo(2);
        assertThat(res.err()).contains("nope.ckpt");
    }

    private static int red(int rgb) {
        return rgb >> 16 & 0xFF;
    }

    private static int blue(int rgb) {
        return rgb & 0xFF;
    }
}
