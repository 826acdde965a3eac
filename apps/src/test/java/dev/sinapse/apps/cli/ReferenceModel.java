package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Network;
import dev.sinapse.apps.inference.TrainedModel;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.data.KaggleCsv;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The article's network (dense 'hidden' → relu → dense 'output' → softmax) written out in plain loops from a
 * checkpoint's raw tensors, and a CSV read with String.split: what the commands' results are checked against,
 * sharing none of their code (not TrainedModel, Network, KaggleCsv or Dataset).
 */
final class ReferenceModel {
    private final float[][] W1, W2;
    private final float[] b1, b2;

    ReferenceModel(Path checkpoint) {
        Checkpoint c = CheckpointFile.read(checkpoint);
        W1 = matrix(c, "hidden.W");
        b1 = matrix(c, "hidden.b")[0];
        W2 = matrix(c, "output.W");
        b2 = matrix(c, "output.b")[0];
    }

    private static float[][] matrix(Checkpoint c, String name) {
        Tensor t = c.getParamsList().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow();
        float[][] m = new float[t.getRows()][t.getCols()];
        for (int i = 0; i < t.getRows(); i++) {
            for (int j = 0; j < t.getCols(); j++) {
                m[i][j] = t.getValues(i * t.getCols() + j);
            }
        }
        return m;
    }

    /** Z = x·Wᵀ + b in float, summing in index order, as the tutorial's np.dot would. */
    private static float[] dense(float[] x, float[][] W, float[] b) {
        float[] z = new float[W.length];
        for (int i = 0; i < W.length; i++) {
            float s = 0f;
            for (int p = 0; p < x.length; p++) {
                s += x[p] * W[i][p];
            }
            z[i] = s + b[i];
        }
        return z;
    }

    /** The output layer's pre-softmax values Z2 for one row of raw pixels 0..255. */
    float[] logits(int[] pixels) {
        float scale = 1f / 255;
        float[] x = new float[pixels.length];
        for (int j = 0; j < x.length; j++) {
            x[j] = pixels[j] * scale;
        }
        float[] a = dense(x, W1, b1);
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.max(0f, a[i]);
        }
        return dense(a, W2, b2);
    }

    int predict(int[] pixels) {
        float[] z = logits(pixels);
        int best = 0;
        for (int k = 1; k < z.length; k++) {
            if (z[k] > z[best]) {
                best = k;
            }
        }
        return best;
    }

    /** −log softmax(z)[y] in double, through log-sum-exp. */
    double crossEntropy(int[] pixels, int y) {
        float[] z = logits(pixels);
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : z) {
            sum += Math.exp(v - max);
        }
        return -(z[y] - max - Math.log(sum));
    }

    /** A row of a CSV: its label (-1 when the file has none) and its pixels. */
    record Row(int label, int[] pixels) {
    }

    /** Every row of a small CSV whose header starts with "label" (labelled) or "pixel0" (not). */
    static List<Row> readCsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        boolean labelled = lines.get(0).startsWith("label,");
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",");
            int first = labelled ? 1 : 0;
            int[] pixels = new int[cells.length - first];
            for (int j = 0; j < pixels.length; j++) {
                pixels[j] = Integer.parseInt(cells[first + j]);
            }
            rows.add(new Row(labelled ? Integer.parseInt(cells[0]) : -1, pixels));
        }
        return rows;
    }

    /** The same rows without their label column: Kaggle's test.csv layout. */
    static Path withoutLabels(Path labelled, Path out) throws IOException {
        List<String> lines = Files.readAllLines(labelled);
        assertThat(lines.get(0)).startsWith("label,");
        List<String> stripped = new ArrayList<>();
        for (String line : lines) {
            stripped.add(line.substring(line.indexOf(',') + 1));
        }
        Files.write(out, stripped);
        return out;
    }

    /**
     * What the inference commands' tests check against: a checkpoint of the article network trained briefly (see
     * {@link Cli#trainedRun}), a CSV of the first {@code rows} bundled digits in its run directory, those rows as read
     * here, and this model of the checkpoint.
     */
    record Trained(Path ckpt, Path data, List<Row> rows, ReferenceModel reference) {
        static Trained run(Path dir, int trainRows, int epochs, int rows) throws IOException {
            Path ckpt = Cli.trainedRun(dir, trainRows, epochs).resolve("last.ckpt");
            Path data = Cli.smallCsv(dir.resolve("run"), rows);
            return new Trained(ckpt, data, readCsv(data), new ReferenceModel(ckpt));
        }
    }
}
