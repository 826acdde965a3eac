package dev.sinapse.io.data;

import dev.sinapse.api.Rng;
import dev.sinapse.io.GzipBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Kaggle-layout CSV made up by the test, with its values kept so a read can be checked against what was
 * written. About half of the pixels are 0, like Fashion-MNIST; the rest are uniform in 1..255.
 */
final class SyntheticCsv {
    final int rows;
    final int features;
    final int[] labels;
    final int[][] pixels;

    private SyntheticCsv(int rows, int features, long seed) {
        this.rows = rows;
        this.features = features;
        labels = new int[rows];
        pixels = new int[rows][features];
        Rng rng = new Rng(seed);
        for (int r = 0; r < rows; r++) {
            labels[r] = (int) (rng.nextDouble() * 10);
            for (int j = 0; j < features; j++) {
                pixels[r][j] = rng.nextDouble() < 0.5 ? 0 : 1 + (int) (rng.nextDouble() * 255);
            }
        }
    }

    static SyntheticCsv random(int rows, int features, long seed) {
        return new SyntheticCsv(rows, features, seed);
    }

    /** "pixel0,...,pixelN", with the label column first when {@code labelled}. */
    String header(boolean labelled) {
        StringBuilder b = new StringBuilder(labelled ? "label" : "");
        for (int j = 0; j < features; j++) {
            b.append(b.length() == 0 ? "" : ",").append("pixel").append(j);
        }
        return b.toString();
    }

    String row(int r, boolean labelled) {
        StringBuilder b = new StringBuilder(labelled ? String.valueOf(labels[r]) : "");
        for (int j = 0; j < features; j++) {
            b.append(j == 0 && !labelled ? "" : ",").append(pixels[r][j]);
        }
        return b.toString();
    }

    /** The whole file as text, each line ended by {@code lineEnd}. */
    String text(boolean labelled, String lineEnd) {
        StringBuilder b = new StringBuilder(header(labelled)).append(lineEnd);
        for (int r = 0; r < rows; r++) {
            b.append(row(r, labelled)).append(lineEnd);
        }
        return b.toString();
    }

    /** The labelled file with "\n" line ends, gzipped. */
    byte[] gzipped() {
        return GzipBytes.of(text(true, "\n").getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path file, String text) throws IOException {
        return Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
