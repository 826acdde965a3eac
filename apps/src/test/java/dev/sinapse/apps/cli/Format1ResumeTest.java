package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.proto.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checkpoints written by format 1 (committed: the shipped configs trained on the bundled digits by the release
 * before format 2, plain {@code java -jar}, so on the plain kernels), resumed for more epochs: the parameters must
 * be bitwise those the same release reached training straight through, whose params_sha256 it printed.
 */
class Format1ResumeTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // file, epochs in the file, epochs to reach, the kernel it recorded, params_sha256 of the straight run
        "article-adam-epoch2-v1.ckpt, 2, 4, fused, b058252faf9e1696d7e1076a5b5998729e1eb1c0260220cacc9bf3ccb4c38c62",
        "wide-dropout-epoch1-v1.ckpt, 1, 2, layers, 0d413614106c045790ef64dad5bc8776d9e0699423ff827fcda5c1b41e844305",
    })
    void resumesBitExactlyToTheStraightRunOfTheFormerRelease(String name, int saved, int epochs, String kernel,
            String straightSha) throws IOException {
        Path file = tmp.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/dev/sinapse/apps/golden/" + name)) {
            assertThat(in).as(name + " on the test class path").isNotNull();
            Files.copy(in, file);
        }
        Checkpoint before = CheckpointFile.read(file);
        assertThat(before.getFormatVersion()).isEqualTo(1);
        assertThat(before.getPosition().getEpoch()).isEqualTo(saved);

        Path out = tmp.resolve("resumed");
        Cli.Result r = Cli.run("train", "--resume", file.toString(), "--set", "training.epochs=" + epochs,
                "--out", out.toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();

        Checkpoint after = CheckpointFile.read(out.resolve("last.ckpt"));
        assertThat(after.getFormatVersion()).isEqualTo(2);
        assertThat(after.getKernel()).isEqualTo(kernel);
        assertThat(after.getPosition().getEpoch()).isEqualTo(epochs);
        assertThat(Tensors.paramsSha256(after.getParamsList())).isEqualTo(straightSha);
    }
}
