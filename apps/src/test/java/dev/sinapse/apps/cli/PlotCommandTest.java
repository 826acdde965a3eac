package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.apps.report.Charts;
import dev.sinapse.apps.training.Metrics;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.csv as training writes it (with --log-every), curves.png at the end of training and from plot. */
class PlotCommandTest {
    @TempDir
    static Path tmp;
    static Path run;
    static Cli.Result trained;

    @BeforeAll
    static void train() throws Exception {
        Path data = Cli.smallCsv(tmp, 500);
        Path config = Cli.articleConfig(tmp, data, "plotted", "");
        run = tmp.resolve("run");
        trained = Cli.run("train", "--config", config.toString(), "--set", "training.epochs=22", "--log-every", "4",
                "--out", run.toString());
    }

    @Test
    void metricsCsvHasOneRowPerLoggedStepWithThePromisedColumns() throws Exception {
        assertThat(trained.code()).as(trained.err()).isZero();
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        assertThat(lines.get(0).split(",")).containsExactly("step", "epoch", "loss", "train_accuracy", "dev_loss",
                "dev_accuracy", "learning_rate", "elapsed_seconds");
        // --log-every 4 over 22 full-batch steps: steps 4, 8, …, 20; the article's evaluations every 10 steps; and
        // the last step, 22, always a point with an evaluation
        long[] expected = {4, 8, 10, 12, 16, 20, 22};
        assertThat(lines).hasSize(1 + expected.length);
        double elapsed = 0;
        for (int i = 0; i < expected.length; i++) {
            String[] c = lines.get(i + 1).split(",", -1);
            assertThat(c).hasSize(8);
            assertThat(Long.parseLong(c[0])).isEqualTo(expected[i]);
            assertThat(Long.parseLong(c[1])).isEqualTo(expected[i]);   // one step per epoch
            assertThat(Double.parseDouble(c[2])).isPositive();
            assertThat(Double.parseDouble(c[3])).isBetween(0.0, 1.0);
            if (expected[i] % 10 == 0 || expected[i] == 22) {
                assertThat(Double.parseDouble(c[4])).isPositive();
                assertThat(Double.parseDouble(c[5])).isBetween(0.0, 1.0);
            } else {
                assertThat(c[4]).as("no evaluation at step %d: empty dev cells", expected[i]).isEmpty();
                assertThat(c[5]).isEmpty();
            }
            assertThat(Double.parseDouble(c[6])).isCloseTo(0.1, within(1e-12));
            assertThat(Double.parseDouble(c[7])).isGreaterThanOrEqualTo(elapsed);
            elapsed = Double.parseDouble(c[7]);
        }
        // the console printed the same points
        assertThat(trained.out()).contains("step  4/22").contains("step 10/22").contains("step 20/22").contains("step 22/22")
                .doesNotContain("step  6/22");
    }

    @Test
    void trainingEndsByDrawingCurvesPngInTheRunDirectory() throws Exception {
        assertThat(trained.code()).as(trained.err()).isZero();
        Path png = run.resolve("curves.png");
        assertThat(trained.out()).contains("curves: " + png);
        assertPng(png, Charts.CURVES_WIDTH, Charts.CURVES_HEIGHT);
    }

    @Test
    void plotRedrawsTheCurvesWhereAsked() throws Exception {
        Path png = tmp.resolve("elsewhere/curves-copy.png");
        Cli.Result r = Cli.run("plot", "--run", run.toString(), "--output", png.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(png.toString());
        assertPng(png, Charts.CURVES_WIDTH, Charts.CURVES_HEIGHT);
    }

    @Test
    void plotOfADirectoryWithoutMetricsIsAUserError() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Cli.Result r = Cli.run("plot", "--run", empty.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no metrics.csv");
    }

    @Test
    void aMalformedMetricsRowIsReportedWithItsLine() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(dir.resolve("metrics.csv"), Metrics.CSV_HEADER + "\n10,10,0.5,0.8,0.6,0.7,0.1,1.0\n20,20,oops,0.8,0.6,0.7,0.1,2.0\n");
        Cli.Result r = Cli.run("plot", "--run", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("metrics.csv line 3, column loss").contains("'oops'");
    }

    @Test
    void aNonPositiveLogEveryIsAUserError() throws Exception {
        Cli.Result r = Cli.run("train", "--log-every", "0", "--out", tmp.resolve("never").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--log-every 0");
    }

    static void assertPng(Path png, int width, int height) throws Exception {
        assertThat(png).exists();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("decodes as an image").isNotNull();
        assertThat(img.getWidth()).isEqualTo(width);
        assertThat(img.getHeight()).isEqualTo(height);
    }
}
