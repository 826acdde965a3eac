package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.sinapse.apps.inference.TrainedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictCommandTest {
    @TempDir
    static Path tmp;
    /** Its data is labelled; {@link #unlabelled} holds the same rows without the label column. */
    static ReferenceModel.Trained trained;
    static Path unlabelled;

    @BeforeAll
    static void train() throws Exception {
        // more rows than one batch of TrainedModel.BATCH_ROWS, so the order across batches is checked too
        trained = ReferenceModel.Trained.run(tmp, 1000, 30, TrainedModel.BATCH_ROWS + 250);
        unlabelled = ReferenceModel.withoutLabels(trained.data(), tmp.resolve("test.csv"));
    }

    @Test
    void unlabelledTestCsvGivesTheKaggleHeaderAndOneRowPerImageInOrder() throws Exception {
        Path out = tmp.resolve("out/submission.csv");
        Cli.Result r = Cli.run("predict", "--checkpoint", trained.ckpt().toString(), "--input", unlabelled.toString(), "--output", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("ImageId,Label");
        assertThat(lines).hasSize(1 + trained.rows().size());
        for (int i = 0; i < trained.rows().size(); i++) {
            assertThat(lines.get(i + 1)).as("row %d", i).isEqualTo((i + 1) + "," + trained.reference().predict(trained.rows().get(i).pixels()));
        }
    }

    @Test
    void aLabelledFileGivesTheSameSubmissionAndItsLabelsAgreeWithEvaluate() throws Exception {
        Path a = tmp.resolve("from-test.csv"), b = tmp.resolve("from-labelled.csv");
        assertThat(Cli.run("predict", "--checkpoint", trained.ckpt().toString(), "--input", unlabelled.toString(), "--output", a.toString()).code()).isZero();
        Cli.Result r = Cli.run("predict", "--checkpoint", trained.ckpt().toString(), "--input", trained.data().toString(), "--output", b.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(b);
        assertThat(lines).isEqualTo(Files.readAllLines(a));

        // the confusion matrix of predict's labels against the file's labels is evaluate's
        long[][] C = new long[10][10];
        for (int i = 0; i < trained.rows().size(); i++) {
            C[trained.rows().get(i).label()][Integer.parseInt(lines.get(i + 1).split(",")[1])]++;
        }
        Cli.Result ev = Cli.run("evaluate", "--checkpoint", trained.ckpt().toString(), "--data", trained.data().toString(), "--json");
        assertThat(ev.code()).as(ev.err()).isZero();
        Struct.Builder json = Struct.newBuilder();
        JsonFormat.parser().merge(ev.out(), json);
        var matrix = json.getFieldsMap().get("confusion_matrix").getListValue();
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                assertThat((long) matrix.getValues(t).getListValue().getValues(p).getNumberValue()).isEqualTo(C[t][p]);
            }
        }
    }

    @Test
    void probabilitiesAreTenColumnsSummingToOneWithTheLabelTheMostProbable() throws Exception {
        Path out = tmp.resolve("probabilities.csv");
        Cli.Result r = Cli.run("predict", "--checkpoint", trained.ckpt().toString(), "--input", unlabelled.toString(), "--output", out.toString(), "--probabilities");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("ImageId,Label,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9");
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            assertThat(c).hasSize(12);
            double sum = 0, max = -1;
            for (int k = 0; k < 10; k++) {
                double p = Double.parseDouble(c[2 + k]);
                sum += p;
                max = Math.max(max, p);
            }
            assertThat(sum).isCloseTo(1.0, within(1e-4));
            assertThat(Double.parseDouble(c[2 + Integer.parseInt(c[1])])).isCloseTo(max, within(1e-6));
        }
    }

    @Test
    void aTestCsvWithAMissingColumnFailsWithItsLineNumberAndLeavesNoFile() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(unlabelled).subList(0, 20));
        String bad = lines.get(4);
        lines.set(4, bad.substring(0, bad.lastIndexOf(',')));   // line 5 of the file: one pixel short
        Path broken = tmp.resolve("broken/test.csv");
        Files.createDirectories(broken.getParent());
        Files.write(broken, lines);
        Path out = broken.resolveSibling("submission.csv");

        Cli.Result r = Cli.run("predict", "--checkpoint", trained.ckpt().toString(), "--input", broken.toString(), "--output", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().trim()).contains("test.csv line 5").contains("784 columns, found 783").doesNotContain("\n");
        assertThat(out).doesNotExist();
        try (Stream<Path> files = Files.list(broken.getParent())) {
            assertThat(files).containsExactly(broken);   // no temporary file left behind either
        }
    }

    @Test
    void aFailedRunKeepsTheEarlierSubmission() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("keep"));
        Path out = dir.resolve("submission.csv");
        Files.writeString(out, "ImageId,Label\n1,7\n");
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, Files.readAllLines(unlabelled).get(0) + "\n" + "1,2,3\n");
        Cli.Result r = Cli.run("predict", "--checkpoint", trained.ckpt().toString(), "--input", bad.toString(), "--output", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("bad.csv line 2");
        assertThat(Files.readString(out)).isEqualTo("ImageId,Label\n1,7\n");
    }

    @Test
    void aFileWithTheWrongNumberOfPixelColumnsIsRejectedAtItsHeader() throws Exception {
        Path narrow = tmp.resolve("narrow.csv");
        Files.writeString(narrow, "pixel0,pixel1,pixel2\n0,0,0\n");
        Cli.Result r = Cli.run("predict", "--checkpoint", trained.ckpt().toString(), "--input", narrow.toString(), "--output", tmp.resolve("n.csv").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("narrow.csv line 1").contains("3 pixel columns").contains("784");
    }

    @Test
    void theOutputMayNotBeTheInput() throws Exception {
        Path copy = Files.copy(unlabelled, tmp.resolve("same.csv"));
        Cli.Result r = Cli.run("predict", "--checkpoint", trained.ckpt().toString(), "--input", copy.toString(), "--output", copy.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("is the same file as --input");
        assertThat(Files.readAllLines(copy)).isEqualTo(Files.readAllLines(unlabelled));
    }
}
