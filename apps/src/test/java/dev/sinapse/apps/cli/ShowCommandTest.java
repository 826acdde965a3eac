package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.apps.report.Charts;
import dev.sinapse.apps.report.DigitArt;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowCommandTest {
    @TempDir
    static Path tmp;
    static ReferenceModel.Trained trained;

    @BeforeAll
    static void train() throws Exception {
        trained = ReferenceModel.Trained.run(tmp, 1000, 30, 40);
    }

    @Test
    void printsThePredictionTheLabelAndA28RowPictureOfTheDigit() {
        int index = 17;
        ReferenceModel.Row row = trained.rows().get(index);
        Cli.Result r = Cli.run("show", "--checkpoint", trained.ckpt().toString(), "--data", trained.data().toString(), "--index", "17", "--ascii");
        assertThat(r.code()).as(r.err()).isZero();
        int predicted = trained.reference().predict(row.pixels());
        assertThat(r.out()).containsPattern("(?m)^prediction: " + predicted + " \\(probability 0\\.\\d{4}\\)$")
                .containsPattern("(?m)^label:\\s+" + row.label() + " \\((right|wrong)\\)$");

        List<String> picture = r.out().lines().filter(l -> l.startsWith("|")).toList();
        assertThat(picture).hasSize(28);
        for (int y = 0; y < 28; y++) {
            String line = picture.get(y);
            assertThat(line).hasSize(2 + 56).endsWith("|");
            for (int x = 0; x < 28; x++) {
                boolean ink = row.pixels()[y * 28 + x] > 0;
                char c = line.charAt(1 + 2 * x);
                assertThat(c != ' ').as("pixel (%d, %d)", y, x).isEqualTo(ink);
                assertThat(line.charAt(2 + 2 * x)).isEqualTo(c);
            }
        }
    }

    @Test
    void unicodePictureHasTheSameShapeInShades() {
        Cli.Result r = Cli.run("show", "--checkpoint", trained.ckpt().toString(), "--data", trained.data().toString(), "--index", "0");
        assertThat(r.code()).as(r.err()).isZero();
        if (DigitArt.unicodeByDefault()) {
            List<String> picture = r.out().lines().filter(l -> l.startsWith("│")).toList();
            assertThat(picture).hasSize(28);
            int[] pixels = trained.rows().get(0).pixels();
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int p = pixels[y * 28 + x];
                    char expected = p == 0 ? ' ' : p < 64 ? '░' : p < 128 ? '▒' : p < 192 ? '▓' : '█';
                    assertThat(picture.get(y).charAt(1 + 2 * x)).isEqualTo(expected);
                }
            }
        } else {
            assertThat(r.out().lines().filter(l -> l.startsWith("|")).count()).isEqualTo(28);
        }
    }

    @Test
    void anUnlabelledRowShowsThePredictionAndSaysThereIsNoLabel() throws Exception {
        Path test = ReferenceModel.withoutLabels(trained.data(), tmp.resolve("test.csv"));
        Cli.Result r = Cli.run("show", "--checkpoint", trained.ckpt().toString(), "--data", test.toString(), "--index", "39", "--ascii");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("prediction: " + trained.reference().predict(trained.rows().get(39).pixels()) + " ")
                .contains("label:      none (").contains("no 'label' column");
    }

    @Test
    void anIndexPastTheEndIsAOneLineUserErrorWithTheRowCount() {
        Cli.Result r = Cli.run("show", "--checkpoint", trained.ckpt().toString(), "--data", trained.data().toString(), "--index", "40");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().trim()).isEqualTo("error: --index 40: " + trained.data() + " has 40 rows (0..39)");
        Cli.Result negative = Cli.run("show", "--checkpoint", trained.ckpt().toString(), "--data", trained.data().toString(), "--index", "-1");
        assertThat(negative.code()).isEqualTo(2);
        assertThat(negative.err()).contains("--index -1");
    }

    @Test
    void pngIsTheDigitEnlargedTenTimesWithPixelsInPlace() throws Exception {
        int index = 5;
        Path png = tmp.resolve("digit.png");
        Cli.Result r = Cli.run("show", "--checkpoint", trained.ckpt().toString(), "--data", trained.data().toString(), "--index", "5", "--png", png.toString());
        assertThat(r.code()).as(r.err()).isZero();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        int side = 28 * Charts.DIGIT_SCALE;
        assertThat(img.getWidth()).isEqualTo(side + 2 * Charts.DIGIT_PAD);
        assertThat(img.getHeight()).isEqualTo(Charts.digitHeight(28));
        // dark ink on white: pixel value v is drawn as grey 255 − v, DIGIT_SCALE screen pixels a side
        int[] pixels = trained.rows().get(index).pixels();
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int rgb = img.getRGB(Charts.DIGIT_PAD + x * Charts.DIGIT_SCALE + 5, Charts.DIGIT_PAD + y * Charts.DIGIT_SCALE + 5);
                assertThat(rgb & 0xFF).as("pixel (%d, %d)", y, x).isEqualTo(255 - pixels[y * 28 + x]);
            }
        }
    }
}
