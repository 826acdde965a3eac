package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.Matrix;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.inference.TrainedModel;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.data.KaggleCsv;
import dev.sinapse.io.data.RowBatches;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.onnx.OnnxExport;
import dev.sinapse.onnx.OnnxFiles;
import dev.sinapse.onnx.proto.GraphProto;
import dev.sinapse.onnx.proto.ModelProto;
import dev.sinapse.onnx.proto.StringStringEntryProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * export and import end to end: shipped configs trained briefly, exported, and run in the real onnxruntime on 1,000
 * bundled digits beside Sinapse; the round trip; the imported checkpoint in the other commands; the errors.
 */
class OnnxCommandsTest {
    private static final Path CONFIGS = Path.of(System.getProperty("basedir", "")).resolve("configs");
    private static final int DIGITS = 1000;

    @TempDir
    static Path shared;
    static Path digits;

    @TempDir
    Path dir;

    @BeforeAll
    static void data() throws IOException {
        digits = Cli.smallCsv(shared, DIGITS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"article", "wide-dropout", "lenet"})
    void onnxruntimeAgreesWithSinapseOnAThousandDigits(String config) throws Exception {
        // briefly, on the digits compared: a few steps give trained-looking weights; what is checked is that the two
        // runtimes agree on the shipped network, whatever its accuracy
        Cli.Result t = Cli.run("train", "--quiet", "--config", CONFIGS.resolve(config + ".textproto").toString(), "--out",
                dir.resolve("run").toString(), "--set", "data.path=" + digits.toAbsolutePath(), "--set", "data.dev_rows=200",
                "--set", "training.epochs=" + switch (config) {
                    case "article" -> 30;
                    case "lenet" -> 1;   // 13 steps of LeNet: trained-looking filters in a second or two
                    default -> 2;
                });
        assertThat(t.code()).as(t.err()).isZero();
        Path ckpt = dir.resolve("run/last.ckpt"), onnx = dir.resolve(config + ".onnx");

        Cli.Result e = Cli.run("export", "--checkpoint", ckpt.toString(), "--output", onnx.toString(), "--label");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("exported", "opset 17");

        TrainedModel model = TrainedModel.load(ckpt, Injection.registries(), Injection.kernels());
        float[][] rows = new float[DIGITS][];
        Matrix P;
        try (RowBatches b = model.open(digits)) {
            Dataset batch = b.next();
            assertThat(batch.size()).isEqualTo(DIGITS);
            P = model.probabilities(model.outputs(batch));
            Matrix raw = batch.batch(batch.naturalOrder(), 0, DIGITS, 1f);   // the pixels as read, 0..255
            for (int i = 0; i < DIGITS; i++) {
                rows[i] = java.util.Arrays.copyOfRange(raw.data(), i * 784, (i + 1) * 784);
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(onnx.toString(), options);
                OnnxTensor x = OnnxTensor.createTensor(env, rows);
                OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, x))) {
            float[][] p = (float[][]) r.get(OnnxExport.PROBABILITIES).orElseThrow().getValue();
            long[] labels = (long[]) r.get(OnnxExport.LABEL).orElseThrow().getValue();
            for (int i = 0; i < DIGITS; i++) {
                assertThat(labels[i]).as("label of digit %d", i).isEqualTo(P.argmaxRow(i));
                for (int k = 0; k < 10; k++) {
                    assertThat(p[i][k]).as("digit %d, class %d", i, k).isCloseTo(P.get(i, k), within(1e-5f));
                }
            }
            assertThat(session.getMetadata().getCustomMetadata()).containsEntry(OnnxExport.EXPERIMENT, config)
                    .containsEntry(OnnxExport.PARAMS_SHA256, Tensors.paramsSha256(CheckpointFile.read(ckpt).getParamsList()));
        }
        if (config.equals("lenet")) {   // import reads MLPs: a conv model stops at its first image operator, in one line
            Path back = dir.resolve("back.ckpt");
            Cli.Result i = Cli.run("import", "--onnx", onnx.toString(), "--output", back.toString());
            assertThat(i.code()).isEqualTo(2);
            assertThat(i.err()).startsWith("error: " + onnx + ": unsupported operator 'Reshape' (node 'image')").hasLineCount(1);
            assertThat(back).doesNotExist();
        }
    }

    @Test
    void aTableModelCarriesItsStandardisationAndClassNamesIntoTheGraph() throws Exception {
        Path example = Path.of(System.getProperty("basedir", "")).resolve("configs/tabular-example.textproto");
        Cli.Result t = Cli.run("train", "--config", example.toString(), "--out", dir.resolve("table").toString(), "--quiet",
                "--set", "training.epochs=3");
        assertThat(t.code()).as(t.err()).isZero();
        Path ckpt = dir.resolve("table/last.ckpt"), onnx = dir.resolve("table.onnx");
        Cli.Result e = Cli.run("export", "--checkpoint", ckpt.toString(), "--output", onnx.toString(), "--label");
        assertThat(e.code()).as(e.err()).isZero();

        TrainedModel model = TrainedModel.load(ckpt, Injection.registries(), Injection.kernels());
        Path csv = example.resolveSibling("data/breast-cancer-wisconsin.csv");
        Matrix P;
        float[][] rows;
        try (RowBatches b = model.open(csv)) {
            Dataset batch = b.next();
            P = model.probabilities(model.outputs(batch));
            rows = new float[batch.size()][batch.features()];
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < batch.features(); j++) {
                    rows[i][j] = ((dev.sinapse.io.data.TableDataset) batch).raw(i, j);   // as the file has it
                }
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(onnx.toString(), options);
                OnnxTensor x = OnnxTensor.createTensor(env, rows);
                OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, x))) {
            float[][] p = (float[][]) r.get(OnnxExport.PROBABILITIES).orElseThrow().getValue();
            for (int i = 0; i < rows.length; i++) {
                for (int k = 0; k < 2; k++) {
                    assertThat(p[i][k]).as("row %d, class %d", i, k).isCloseTo(P.get(i, k), within(1e-5f));
                }
            }
            assertThat(session.getMetadata().getCustomMetadata().values()).anySatisfy(v -> assertThat(v).contains("malignant"));
        }
    }

    @Test
    void exportThenImportKeepsParamsSha256AndTheCommandsTakeTheResult() throws IOException {
        Path run = Cli.trainedRun(dir, 300, 5);
        Path ckpt = run.resolve("last.ckpt"), onnx = dir.resolve("m.onnx"), back = dir.resolve("back.ckpt");
        assertThat(Cli.run("export", "--checkpoint", ckpt.toString(), "--output", onnx.toString()).code()).isZero();

        Cli.Result i = Cli.run("import", "--onnx", onnx.toString(), "--output", back.toString());
        assertThat(i.code()).as(i.err()).isZero();
        Checkpoint original = CheckpointFile.read(ckpt), imported = CheckpointFile.read(back);
        String sha = Tensors.paramsSha256(original.getParamsList());
        assertThat(Tensors.paramsSha256(imported.getParamsList())).isEqualTo(sha);
        assertThat(i.out()).contains("params_sha256 " + sha);
        assertThat(imported.getConfig().getData().getPixelScale()).isEqualTo(original.getConfig().getData().getPixelScale());

        // the imported checkpoint predicts, row for row, what the trained one does
        Path csv = dir.resolve("digits-300.csv");
        Cli.Result p1 = Cli.run("predict", "--checkpoint", ckpt.toString(), "--input", csv.toString(), "--output", "-", "--probabilities");
        Cli.Result p2 = Cli.run("predict", "--checkpoint", back.toString(), "--input", csv.toString(), "--output", "-", "--probabilities");
        assertThat(p2.code()).as(p2.err()).isZero();
        assertThat(p2.out()).isEqualTo(p1.out());
        Cli.Result ev = Cli.run("evaluate", "--checkpoint", back.toString(), "--data", csv.toString());
        assertThat(ev.code()).as(ev.err()).isZero();
        assertThat(ev.out()).isEqualTo(Cli.run("evaluate", "--checkpoint", ckpt.toString(), "--data", csv.toString()).out()
                .replace(ckpt.toString(), back.toString()).replace("step 5", "step 0"));
        assertThat(Cli.run("show", "--checkpoint", back.toString(), "--data", csv.toString(), "--index", "3", "--ascii").code()).isZero();
        assertThat(Cli.run("inspect", back.toString()).code()).isZero();

        // fine-tuning starts from exactly these weights
        Path config = Cli.articleConfig(dir, csv, "tune", "");
        Checkpoint tuned = Cli.train(config, dir.resolve("tuned"), "--init-from", back.toString(), "--set", "training.epochs=1");
        assertThat(tuned.getProvenance().getInitFromParamsSha256()).isEqualTo(sha);
    }

    @Test
    void aPlugInLayerExportsThroughItsOwnExporterAndOneWithoutFailsNamingTheLayer() throws IOException {
        Path data = Cli.smallCsv(dir, 300);
        Path swish = Cli.config(dir, "swish", data, "layers { name: \"act\" type: \"swish\" options: [{ key: \"beta\" value: \"1.5\" }] }",
                "training { epochs: 1 batch_size: 50 }");
        Cli.train(swish, dir.resolve("swish-run"));
        Cli.Result ok = Cli.run("export", "--checkpoint", dir.resolve("swish-run/last.ckpt").toString(), "--output", dir.resolve("s.onnx").toString());
        assertThat(ok.code()).as(ok.err()).isZero();

        Path prelu = Cli.config(dir, "prelu", data, "layers { name: \"slope\" type: \"prelu\" }", "training { epochs: 1 batch_size: 50 }");
        Cli.train(prelu, dir.resolve("prelu-run"));
        Path out = dir.resolve("p.onnx");
        Cli.Result r = Cli.run("export", "--checkpoint", dir.resolve("prelu-run/last.ckpt").toString(), "--output", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: layer 'slope' (prelu) has no ONNX exporter").hasLineCount(1);
        assertThat(out).doesNotExist();
    }

    @Test
    void importErrorsAreOneLineWithExitCode2() throws IOException {
        Path text = dir.resolve("notes.onnx");
        Files.writeString(text, "not a model\n");
        Path out = dir.resolve("x.ckpt");
        Cli.Result notOnnx = Cli.run("import", "--onnx", text.toString(), "--output", out.toString());
        assertThat(notOnnx.code()).isEqualTo(2);
        assertThat(notOnnx.err()).startsWith("error: " + text + ": not an ONNX model").hasLineCount(1);

        Path run = Cli.trainedRun(dir, 300, 1);
        Path onnx = dir.resolve("m.onnx");
        assertThat(Cli.run("export", "--checkpoint", run.resolve("last.ckpt").toString(), "--output", onnx.toString()).code()).isZero();
        byte[] whole = Files.readAllBytes(onnx);
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        Cli.Result truncated = Cli.run("import", "--onnx", cut.toString(), "--output", out.toString());
        assertThat(truncated.code()).isEqualTo(2);
        assertThat(truncated.err()).startsWith("error: " + cut + ": ").contains("truncated").hasLineCount(1);

        ModelProto model = OnnxFiles.read(onnx);
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int k = 0; k < g.getNodeCount(); k++) {
            if (g.getNode(k).getOpType().equals("Relu")) {
                g.setNode(k, g.getNode(k).toBuilder().setOpType("Elu"));
            }
        }
        Path elu = dir.resolve("elu.onnx");
        OnnxFiles.write(elu, model.toBuilder().setGraph(g).build());
        Cli.Result unsupported = Cli.run("import", "--onnx", elu.toString(), "--output", out.toString());
        assertThat(unsupported.code()).isEqualTo(2);
        assertThat(unsupported.err()).startsWith("error: " + elu + ": unsupported operator 'Elu' (node 'relu')").hasLineCount(1);
        assertThat(out).doesNotExist();
        assertThat(model.getMetadataPropsList()).extracting(StringStringEntryProto::getKey)
                .containsAll(List.of(OnnxExport.EXPERIMENT, OnnxExport.PARAMS_SHA256, OnnxExport.SINAPSE_VERSION));
    }
}
