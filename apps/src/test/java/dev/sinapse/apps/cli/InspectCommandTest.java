package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.sinapse.api.Compute;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Pass;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.inference.Models;
import dev.sinapse.apps.training.Checkpoints;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.CheckpointFormat;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.data.KaggleCsv;
import dev.sinapse.io.proto.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect reports what the file holds; save → load gives the same predictions and the same digest. */
class InspectCommandTest {
    @TempDir
    Path tmp;
    Path data;
    Path ckpt;

    @BeforeEach
    void train() throws Exception {
        data = Cli.smallCsv(tmp, 400);
        Path config = Cli.articleConfig(tmp, data, "inspected", "");
        Path run = tmp.resolve("run");
        assertThat(Cli.run("train", "--quiet", "--config", config.toString(), "--out", run.toString(),
                "--set", "training.epochs=20").code()).isZero();
        ckpt = run.resolve("last.ckpt");
    }

    @Test
    void jsonDigestIsTheSha256OfTheDocumentedParameterBytes() throws Exception {
        Cli.Result r = Cli.run("inspect", "--json", ckpt.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Struct.Builder json = Struct.newBuilder();
        JsonFormat.parser().merge(r.out(), json);
        Struct s = json.build();

        // recomputed here from the README's description: name, 0, rows, cols (int32 BE), float bits (int32 BE)
        Checkpoint c = CheckpointFile.read(ckpt);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (var t : c.getParamsList()) {
            sha.update(t.getName().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 4 * t.getValuesCount());
            b.putInt(t.getRows()).putInt(t.getCols());
            for (float v : t.getValuesList()) {
                b.putInt(Float.floatToRawIntBits(v));
            }
            sha.update(b.array());
        }
        assertThat(s.getFieldsOrThrow("params_sha256").getStringValue()).isEqualTo(HexFormat.of().formatHex(sha.digest()));
        assertThat(s.getFieldsOrThrow("format_version").getNumberValue()).isEqualTo(CheckpointFormat.CURRENT_VERSION);
        assertThat(s.getFieldsOrThrow("param_count").getNumberValue()).isEqualTo(784 * 10 + 10 + 10 * 10 + 10);
        assertThat(s.getFieldsOrThrow("position").getStructValue().getFieldsOrThrow("step").getNumberValue()).isEqualTo(20);
        assertThat(s.getFieldsOrThrow("history").getListValue().getValuesCount()).isEqualTo(2);
        assertThat(s.getFieldsOrThrow("provenance").getStructValue().getFieldsOrThrow("data_source").getStringValue())
                .isEqualTo(data.toAbsolutePath().toString());
    }

    /** Any JSON library reads it; counts are integers ("step": 20, "shape": [10, 784]), and the config reads back as a config file. */
    @Test
    void jsonIntegersAreIntegersAndTheConfigIsAJsonConfig() throws Exception {
        Cli.Result r = Cli.run("inspect", "--json", ckpt.toString());
        assertThat(r.code()).as(r.err()).isZero();

        var numbers = JsonNumbers.byKey(r.out());
        for (String key : List.of("format_version", "step", "epoch", "batch_in_epoch", "epochs_total", "shape", "count",
                "param_count", "state_tensors", "train_rows", "dev_rows", "input_size", "dev_rows", "log_every")) {
            assertThat(numbers.get(key)).as(key).isNotEmpty().allMatch(t -> t.matches("-?\\d+"), "an integer token");
        }
        assertThat(r.out()).contains("\"shape\": [10, 784]").contains("\"step\": 20,");
        JsonObject config = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonObject("config");
        Path asFile = tmp.resolve("from-inspect.json");
        Files.writeString(asFile, config.toString());
        assertThat(ConfigFiles.read(asFile)).isEqualTo(CheckpointFile.read(ckpt).getConfig());
    }

    @Test
    void textNamesEveryParameterWithItsShape() {
        Cli.Result r = Cli.run("inspect", ckpt.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("hidden\\.W\\s+10 x 784\\s+7,840").containsPattern("output\\.b\\s+1 x 10\\s+10")
                .contains("position        epoch 20 of 20, step 20 (finished)").contains("params_sha256   ")
                .contains("optimizer       sgd");
    }

    @Test
    void saveLoadSaveKeepsPredictionsAndDigest() throws Exception {
        Checkpoint c = CheckpointFile.read(ckpt);
        Path copy = tmp.resolve("copy.ckpt");
        CheckpointFile.write(copy, CheckpointFile.read(ckpt));
        String d1 = digest(ckpt), d2 = digest(copy);
        assertThat(d2).isEqualTo(d1);

        Network a = Models.load(c, ckpt, Injection.registries());
        Network b = Models.load(CheckpointFile.read(copy), copy, Injection.registries());
        var rows = KaggleCsv.read(data, "label");
        Matrix X = rows.batch(rows.naturalOrder(), 0, rows.size(), 1f / 255);
        Matrix A = a.forward(X, Pass.inference(Compute.serial()));
        Matrix B = b.forward(X, Pass.inference(Compute.serial()));
        assertThat(B).isEqualTo(A);
        // and the loaded model is the trained one: it does better than chance on its data
        int right = 0;
        int[] p = a.predict(X, Compute.serial());
        for (int i = 0; i < p.length; i++) {
            right += p[i] == rows.label(i) ? 1 : 0;
        }
        assertThat(right / (double) p.length).isGreaterThan(0.3);
    }

    private static String digest(Path file) throws Exception {
        Struct.Builder json = Struct.newBuilder();
        JsonFormat.parser().merge(Cli.run("inspect", "--json", file.toString()).out(), json);
        return json.getFieldsOrThrow("params_sha256").getStringValue();
    }
}
