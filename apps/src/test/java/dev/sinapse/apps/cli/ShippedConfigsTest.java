package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.Experiment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configs are code: every file in {@code apps/configs/} parses, is packaged in the jar, says in its header what
 * it shows and what it reaches, and trains for one epoch on a small slice of the digits with nothing changed
 * but the data, the dev rows and the epochs.
 */
class ShippedConfigsTest {
    /** Surefire runs in the module directory and names it in {@code basedir}. */
    private static final Path CONFIGS = Path.of(System.getProperty("basedir", "")).resolve("configs");

    @TempDir
    static Path tmp;

    @Test
    void theArticleAndTheBeyondTheArticleConfigsAreShipped() throws IOException {
        assertThat(files().stream().map(f -> f.getFileName().toString()))
                .contains("article.textproto", "article-adam.textproto", "wide-dropout.textproto", "tabular-example.textproto");
    }

    @TestFactory
    Stream<DynamicTest> everyShippedConfigTrainsForAnEpochWithOnlyDataAndEpochsOverridden() throws IOException {
        Path data = Cli.smallCsv(tmp, 300);
        return files().stream().map(file -> dynamicTest(file.getFileName().toString(), () -> {
            Experiment written = ConfigFiles.withDefaults(ConfigFiles.read(file));
            Path out = tmp.resolve(file.getFileName().toString().replace('.', '-'));

            // a table config trains on its own bundled table (small already); the others on a slice of the digits
            Cli.Result r = ConfigFiles.isTable(written.getData().getFormat())
                    ? Cli.run("train", "--quiet", "--config", file.toString(), "--out", out.toString(), "--set", "training.epochs=1")
                    : Cli.run("train", "--quiet", "--config", file.toString(), "--out", out.toString(),
                    "--set", "data.path=" + data.toAbsolutePath(), "--set", "data.dev_rows=50", "--set", "training.epochs=1");

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("done: train accuracy");
            Checkpoint c = CheckpointFile.read(out.resolve("last.ckpt"));
            assertThat(c.getPosition().getEpoch()).isEqualTo(1);
            assertThat(c.getPosition().getStep()).isPositive();
            assertThat(c.getConfig().getNetwork()).isEqualTo(written.getNetwork());
            assertThat(c.getConfig().getLoss()).isEqualTo(written.getLoss());
            assertThat(c.getConfig().getOptimizer()).isEqualTo(written.getOptimizer());
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyShippedConfigIsPackagedAndItsHeaderSaysWhatItReaches() throws IOException {
        // text-format files; JSON has no comments
        return files().stream().filter(f -> !f.toString().endsWith(ConfigFiles.JSON_EXTENSION)).map(file -> dynamicTest(file.getFileName().toString(), () -> {
            String name = file.getFileName().toString();
            assertThat(Experiments.class.getResource("/dev/sinapse/apps/configs/" + name)).as("packaged in the jar").isNotNull();
            String header = Files.readAllLines(file).stream().takeWhile(l -> l.startsWith("#"))
                    .collect(Collectors.joining("\n"));
            assertThat(header).as("the comment block at the top of %s", name).contains("dev accuracy");
        }));
    }

    private static List<Path> files() throws IOException {
        assertThat(CONFIGS).isDirectory();
        try (Stream<Path> s = Files.list(CONFIGS)) {
            return s.filter(p -> ConfigFiles.TEXT_EXTENSIONS.stream().anyMatch(e -> p.toString().endsWith(e))
                    || p.toString().endsWith(ConfigFiles.JSON_EXTENSION)).sorted().toList();
        }
    }
}
