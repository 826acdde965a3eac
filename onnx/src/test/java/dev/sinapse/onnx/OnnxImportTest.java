package dev.sinapse.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.onnx.proto.GraphProto;
import dev.sinapse.onnx.proto.ModelProto;
import dev.sinapse.onnx.proto.TensorProto;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxImportTest {
    /** Made by src/test/fixtures/make_torch_mlp.py with PyTorch's torch.onnx.export; the CSV has what PyTorch computed. */
    static final Path TORCH_MLP = Path.of("src/test/fixtures/torch-mlp.onnx");
    static final Path TORCH_PREDICTIONS = Path.of("src/test/fixtures/torch-mlp-predictions.csv");

    @TempDir
    Path dir;

    @Test
    void aPyTorchMlpImportsAndPredictsWhatPyTorchRecorded() throws IOException {
        Checkpoint c = OnnxImport.toCheckpoint(OnnxFiles.read(TORCH_MLP), TORCH_MLP, null, TestModels.REGISTRIES);

        // Div by 255 → pixel scale; Gemm, Relu, MatMul+Add, Tanh, Gemm, Softmax → six layers named after PyTorch's modules
        assertThat(c.getConfig().getData().getPixelScale()).isEqualTo(255f);
        assertThat(TestModels.specs(c)).extracting(LayerSpec::type).containsExactly("dense", "relu", "dense", "tanh", "dense", "softmax");
        assertThat(TestModels.specs(c).get(0).name()).isEqualTo("fc1");
        assertThat(c.getParamsList()).extracting(t -> t.getName() + " " + t.getRows() + "x" + t.getCols())
                .containsExactly("fc1.W 16x784", "fc1.b 1x16", "dense3.W 12x16", "dense3.b 1x12", "fc3.W 10x12", "fc3.b 1x10");

        List<String> lines = Files.readAllLines(TORCH_PREDICTIONS);
        float[][] pixels = new float[lines.size() - 1][];
        float[][] expected = new float[lines.size() - 1][];
        int[] labels = new int[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            labels[i - 1] = Integer.parseInt(cells[0]);
            expected[i - 1] = floats(cells, 1, 11);
            pixels[i - 1] = floats(cells, 11, cells.length);
        }
        Matrix P = TestModels.probabilities(TestModels.load(c), pixels, c.getConfig().getData().getPixelScale());
        for (int i = 0; i < pixels.length; i++) {
            assertThat(P.argmaxRow(i)).as("label of row %d", i).isEqualTo(labels[i]);
            for (int k = 0; k < 10; k++) {
                assertThat(P.get(i, k)).as("row %d, class %d", i, k).isCloseTo(expected[i][k], within(1e-5f));
            }
        }
        assertThat(Arrays.stream(labels).distinct().count()).as("the fixture's rows are not all one class").isGreaterThan(3);
    }

    @Test
    void floatDataInitializersImportLikeRawData() {
        ModelProto raw = OnnxFiles.read(TORCH_MLP);
        GraphProto.Builder g = raw.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            float[] values = new float[t.getRawData().size() / 4];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            TensorProto.Builder f = t.toBuilder().clearRawData();
            for (float v : values) {
                f.addFloatData(v);
            }
            g.setInitializer(i, f);
        }
        ModelProto typed = raw.toBuilder().setGraph(g).build();
        assertThat(typed.getGraph().getInitializer(0).getRawData().isEmpty()).isTrue();

        Checkpoint fromRaw = OnnxImport.toCheckpoint(raw, TORCH_MLP, null, TestModels.REGISTRIES);
        Checkpoint fromTyped = OnnxImport.toCheckpoint(typed, TORCH_MLP, null, TestModels.REGISTRIES);
        assertThat(fromTyped.getParamsList()).isEqualTo(fromRaw.getParamsList());
    }

    @Test
    void anUnsupportedOperatorIsNamedWithItsNode() {
        ModelProto model = OnnxFiles.read(TORCH_MLP);
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("Tanh")) {
                g.setNode(i, g.getNode(i).toBuilder().setOpType("Erf"));
            }
        }
        ModelProto erf = model.toBuilder().setGraph(g).build();

        assertThatThrownBy(() -> OnnxImport.toCheckpoint(erf, TORCH_MLP, null, TestModels.REGISTRIES))
                .isInstanceOf(SinapseException.class)
                .hasMessageContaining("unsupported operator 'Erf' (node '/Tanh')")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aBranchingGraphIsRefusedNamingTheNode() {
        ModelProto model = OnnxFiles.read(TORCH_MLP);
        GraphProto.Builder g = model.getGraph().toBuilder();
        // the Tanh now reads the graph input instead of the layer before it
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("Tanh")) {
                g.setNode(i, g.getNode(i).toBuilder().setInput(0, "/Relu_output_0"));
            }
        }
        ModelProto skip = model.toBuilder().setGraph(g).build();

        assertThatThrownBy(() -> OnnxImport.toCheckpoint(skip, TORCH_MLP, null, TestModels.REGISTRIES))
                .isInstanceOf(SinapseException.class)
                .hasMessageContaining("node '/Tanh' (Tanh) does not read the output of the node before it");
    }

    @Test
    void aFileThatIsNotOnnxFailsInOneLine() throws IOException {
        Path text = dir.resolve("notes.onnx");
        Files.writeString(text, "label,pixel0\n3,0\n");
        Path empty = Files.createFile(dir.resolve("empty.onnx"));

        assertThatThrownBy(() -> OnnxFiles.read(text)).isInstanceOf(SinapseException.class)
                .hasMessageStartingWith(text + ": not an ONNX model").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> OnnxFiles.read(empty)).hasMessage(empty + ": empty file, not an ONNX model");
        assertThatThrownBy(() -> OnnxFiles.read(dir.resolve("missing.onnx"))).hasMessageEndingWith("missing.onnx: no such file");
    }

    @Test
    void everyTruncationOfAModelFailsInOneLine() throws IOException {
        byte[] whole = Files.readAllBytes(TORCH_MLP);
        Path cut = dir.resolve("cut.onnx");
        for (int length = 1; length < whole.length; length += 97) {
            Files.write(cut, Arrays.copyOf(whole, length));
            int n = length;
            assertThatThrownBy(() -> OnnxImport.toCheckpoint(OnnxFiles.read(cut), cut, null, TestModels.REGISTRIES))
                    .as("the first %d bytes", n)
                    .isInstanceOf(SinapseException.class)
                    .hasMessageStartingWith(cut + ": ")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void aGivenPixelScaleIsForGraphsThatDoNotScaleTheirInput() {
        // a Sinapse export without preprocessing (pixel scale 1)
        ModelProto model = TestModels.exporter().export(TestModels.build(784, OnnxExportTest.WITH_SOFTMAX, 1), OnnxExportTest.WITH_SOFTMAX,
                OnnxExportTest.info(1f, false));
        Checkpoint c = OnnxImport.toCheckpoint(model, Path.of("plain.onnx"), 255f, TestModels.REGISTRIES);
        assertThat(c.getConfig().getData().getPixelScale()).isEqualTo(255f);
        assertThat(OnnxImport.toCheckpoint(model, Path.of("plain.onnx"), null, TestModels.REGISTRIES).getConfig().getData().getPixelScale())
                .isEqualTo(1f);

        ModelProto scaled = OnnxFiles.read(TORCH_MLP);
        assertThatThrownBy(() -> OnnxImport.toCheckpoint(scaled, TORCH_MLP, 255f, TestModels.REGISTRIES))
                .hasMessageContaining("the graph scales its input itself (it divides it by 255.0)");
    }

    private static float[] floats(String[] cells, int from, int to) {
        float[] v = new float[to - from];
        for (int j = from; j < to; j++) {
            v[j - from] = Float.parseFloat(cells[j]);
        }
        return v;
    }
}
