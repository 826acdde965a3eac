package dev.sinapse.apps.embed;

import dev.sinapse.io.config.Experiments;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The first rows of the bundled digits as a CSV, and the article config pointed at it with 100 dev rows. */
final class Digits {
    private Digits() {
    }

    static Path csv(Path dir, int rows) throws IOException {
        Path file = dir.resolve("digits-" + rows + ".csv");
        try (var in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Digits.class.getResourceAsStream(Experiments.BUNDLED_DATA)), StandardCharsets.UTF_8));
                var w = Files.newBufferedWriter(file)) {
            for (int i = 0; i <= rows; i++) {
                w.write(in.readLine());
                w.newLine();
            }
        }
        return file;
    }

    static Path articleConfig(Path dir, Path data) throws IOException {
        String text = Experiments.resourceText(Experiments.BUNDLED_CONFIG)
                .replace("path: \"\"", "path: \"" + data.toAbsolutePath() + "\"")
                .replace("dev_rows: 1000", "dev_rows: 100");
        Path file = dir.resolve("article-small.textproto");
        Files.writeString(file, text);
        return file;
    }
}
