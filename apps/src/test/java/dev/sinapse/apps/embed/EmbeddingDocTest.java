package dev.sinapse.apps.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example of docs/embedding.md, taken from the page as it is, compiles and runs and prints what it says. */
class EmbeddingDocTest {
    @TempDir
    Path tmp;

    @Test
    void theExampleOfTheEmbeddingPageCompilesAndRuns() throws Exception {
        String page = Files.readString(Path.of("..", "docs", "embedding.md"));
        Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(page);
        assertThat(block.find()).as("a java block in docs/embedding.md").isTrue();
        String source = block.group(1);
        assertThat(source.lines().count()).as("lines of the example").isBetween(10L, 20L);
        Path src = Files.createDirectories(tmp.resolve("src")).resolve("Embedding.java"), classes = tmp.resolve("classes");
        Files.writeString(src, source);
        Files.createDirectories(classes);
        String classPath = System.getProperty("java.class.path");
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp", classPath,
                src.toString())).as("javac of the example").isZero();

        Path config = Digits.articleConfig(tmp, Digits.csv(tmp, 300)), out = tmp.resolve("run");
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                classes + File.pathSeparator + classPath, "Embedding", config.toString(), out.toString())
                .redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(printed).isZero();
        List<String> lines = printed.lines().toList();
        assertThat(lines).hasSize(2);
        Matcher one = Pattern.compile("digit (\\d), p = (0\\.\\d+|1\\.0)").matcher(lines.get(0));
        Matcher batch = Pattern.compile("batch \\[(\\d), (\\d)\\]").matcher(lines.get(1));
        assertThat(one.matches()).as(lines.get(0)).isTrue();
        assertThat(batch.matches()).as(lines.get(1)).isTrue();
        // the saved model classifies the row as the trained one did; its probability is the largest, so at least 1/10
        assertThat(batch.group(1)).isEqualTo(one.group(1));
        assertThat(Double.parseDouble(one.group(2))).isBetween(0.1, 1.0);
        assertThat(out.resolve("best.ckpt")).exists();
    }
}
