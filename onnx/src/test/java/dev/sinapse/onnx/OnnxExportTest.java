package dev.sinapse.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.State;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.onnx.proto.ModelProto;
import dev.sinapse.onnx.proto.NodeProto;
import dev.sinapse.onnx.proto.StringStringEntryProto;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OnnxExportTest {
    /** Every built-in exporter in one network; it ends in raw scores, so the export adds the softmax. */
    static final List<LayerSpec> EVERY_LAYER = List.of(
            new LayerSpec("dense", "in", Map.of("units", "16")),
            new LayerSpec("batch_norm", "bn", Map.of("epsilon", "0.001")),
            new LayerSpec("leaky_relu", "leaky", Map.of("alpha", "0.2")),
            new LayerSpec("dropout", "drop", Map.of("rate", "0.3")),
            new LayerSpec("dense", "mid", Map.of("units", "12", "init", "xavier")),
            new LayerSpec("sigmoid", "sig", Map.of()),
            new LayerSpec("flatten", "flat", Map.of()),
            new LayerSpec("dense", "late", Map.of("units", "8", "bias_init", "uniform(low=-0.5, high=0.5)")),
            new LayerSpec("tanh", "tanh", Map.of()),
            new LayerSpec("dense", "out", Map.of("units", "5", "bias_init", "uniform(low=-0.5, high=0.5)")));
    static final List<LayerSpec> WITH_SOFTMAX = List.of(
            new LayerSpec("dense", "hidden", Map.of("units", "10")),
            new LayerSpec("relu", "relu", Map.of()),
            new LayerSpec("dense", "output", Map.of("units", "10")),
            new LayerSpec("softmax", "softmax", Map.of()));

    @Test
    void everyBuiltInLayerAgreesWithOnnxruntime() throws Exception {
        Network net = everyLayer();
        float[][] rows = pixels(300, 20, 5);
        ModelProto model = TestModels.exporter().export(net, EVERY_LAYER, info(255f, true));

        Ort.Output ort = Ort.run(model, rows);
        Matrix P = TestModels.probabilities(net, rows, 255f);
        assertAgree(ort, P);
    }

    @Test
    void aNetworkEndingInSoftmaxAgreesAndGetsNoSecondSoftmax() throws Exception {
        Network net = TestModels.build(784, WITH_SOFTMAX, 3);
        float[][] rows = pixels(200, 784, 4);
        ModelProto model = TestModels.exporter().export(net, WITH_SOFTMAX, info(255f, true));

        assertThat(model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Softmax")).count()).isEqualTo(1);
        assertAgree(Ort.run(model, rows), TestModels.probabilities(net, rows, 255f));
    }

    @Test
    void theLabelOutputIsOptionalAndThePixelScaleIsInsideTheGraph() throws Exception {
        Network net = TestModels.build(784, WITH_SOFTMAX, 3);
        float[][] rows = pixels(50, 784, 6);
        ModelProto without = TestModels.exporter().export(net, WITH_SOFTMAX, info(64f, false));

        assertThat(without.getGraph().getOutputList()).extracting(v -> v.getName()).containsExactly(OnnxExport.PROBABILITIES);
        Ort.Output ort = Ort.run(without, rows);
        assertThat(ort.labels()).isNull();
        // the same raw rows, the network's inputs divided by 64 this time, not 255
        Matrix P = TestModels.probabilities(net, rows, 64f);
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < P.cols(); k++) {
                assertThat(ort.probabilities()[i][k]).isCloseTo(P.get(i, k), within(1e-5f));
            }
        }
    }

    @Test
    void metadataCarriesTheExperimentDigestVersionAndClassNames() {
        Network net = everyLayer();
        ModelInfo info = new ModelInfo("every-layer", 255f, "9.9.9", List.of("a", "b", "c", "d", "e"), true);
        ModelProto model = TestModels.exporter().export(net, EVERY_LAYER, info);

        Map<String, String> meta = model.getMetadataPropsList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
        assertThat(meta).containsEntry(OnnxExport.EXPERIMENT, "every-layer").containsEntry(OnnxExport.SINAPSE_VERSION, "9.9.9")
                .containsEntry(OnnxExport.PARAMS_SHA256, OnnxExport.paramsSha256(net));
        assertThat(meta.get(OnnxExport.CLASS_NAMES)).contains("\"a\"", "\"e\"");
        assertThat(model.getIrVersion()).isEqualTo(OnnxExport.IR_VERSION);
        assertThat(model.getOpsetImport(0).getVersion()).isGreaterThanOrEqualTo(17);
        assertThat(model.getProducerName()).isEqualTo("sinapse");
        // without class names there is no entry rather than an empty one
        ModelProto plain = TestModels.exporter().export(net, EVERY_LAYER, info(255f, true));
        assertThat(plain.getMetadataPropsList()).extracting(StringStringEntryProto::getKey).doesNotContain(OnnxExport.CLASS_NAMES);
    }

    @Test
    void roundTripKeepsParamsLayersAndOutputs() {
        Network net = everyLayer();
        ModelProto model = TestModels.exporter().export(net, EVERY_LAYER, info(255f, true));

        Checkpoint c = OnnxImport.toCheckpoint(model, Path.of("every.onnx"), null, TestModels.REGISTRIES);

        assertThat(dev.sinapse.io.checkpoint.Tensors.paramsSha256(c.getParamsList())).isEqualTo(OnnxExport.paramsSha256(net));
        assertThat(c.getConfig().getData().getPixelScale()).isEqualTo(255f);
        assertThat(c.getConfig().getNetwork().getInputSize()).isEqualTo(20);
        // the layers as configured, plus the softmax the export added for probabilities
        List<LayerSpec> back = TestModels.specs(c);
        assertThat(back).extracting(LayerSpec::type).containsExactly("dense", "batch_norm", "leaky_relu", "dropout", "dense", "sigmoid",
                "flatten", "dense", "tanh", "dense", "softmax");
        assertThat(back.subList(0, 10)).extracting(LayerSpec::name).containsExactlyElementsOf(EVERY_LAYER.stream().map(LayerSpec::name).toList());
        assertThat(Float.parseFloat(back.get(2).options().get("alpha"))).isEqualTo(0.2f);
        assertThat(Float.parseFloat(back.get(3).options().get("rate"))).isEqualTo(0.3f);
        assertThat(Float.parseFloat(back.get(1).options().get("epsilon"))).isEqualTo(0.001f);
        // the same weights and running statistics compute bit for bit the same probabilities
        float[][] rows = pixels(40, 20, 8);
        Matrix before = TestModels.probabilities(net, rows, 255f);
        Matrix after = TestModels.probabilities(TestModels.load(c), rows, 255f);
        assertThat(after.data()).containsExactly(before.data());
    }

    @Test
    void aLayerWithoutAnExporterFailsNamingIt() {
        Network net = TestModels.build(784, WITH_SOFTMAX, 3);
        OnnxExport denseOnly = new OnnxExport(Map.of("dense", new DenseExporter(), "softmax", new SoftmaxExporter()));

        assertThatThrownBy(() -> denseOnly.export(net, WITH_SOFTMAX, info(255f, false)))
                .isInstanceOf(SinapseException.class)
                .hasMessageStartingWith("layer 'relu' (relu) has no ONNX exporter")
                .hasMessageNotContaining("\n");
    }

    @Test
    void layerNamesThatClashWithTheGraphsOwnAreRenamed() throws Exception {
        List<LayerSpec> specs = List.of(new LayerSpec("dense", "label", Map.of("units", "4")), new LayerSpec("relu", "probabilities", Map.of()),
                new LayerSpec("dense", "pixels", Map.of("units", "3")));
        Network net = TestModels.build(6, specs, 1);
        ModelProto model = TestModels.exporter().export(net, specs, info(1f, true));

        assertThat(model.getGraph().getNodeList()).extracting(NodeProto::getOpType).doesNotContain("Mul");
        float[][] rows = pixels(10, 6, 2);
        assertAgree(Ort.run(model, rows), TestModels.probabilities(net, rows, 1f));
    }

    /** EVERY_LAYER with its batch norm's running statistics moved off their initial 0 and 1. */
    static Network everyLayer() {
        Network net = TestModels.build(20, EVERY_LAYER, 11);
        Rng rng = new Rng(12);
        Matrix mean = new Matrix(1, 16), var = new Matrix(1, 16);
        for (int j = 0; j < 16; j++) {
            mean.set(0, j, rng.nextFloat() - 0.5f);
            var.set(0, j, 0.2f + rng.nextFloat());
        }
        net.layers().get(1).restore(new State().put("running_mean", mean).put("running_var", var));
        net.layers().get(1).params().get(0).value().fill(1.5f);
        return net;
    }

    static ModelInfo info(float pixelScale, boolean label) {
        return new ModelInfo("test", pixelScale, "0.1.0-test", List.of(), label);
    }

    /** Whole numbers 0..255, as raw pixels are. */
    static float[][] pixels(int rows, int cols, long seed) {
        Rng rng = new Rng(seed);
        float[][] x = new float[rows][cols];
        for (float[] row : x) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) Math.floor(rng.nextFloat() * 256);
            }
        }
        return x;
    }

    static void assertAgree(Ort.Output ort, Matrix P) {
        assertThat(ort.probabilities()).hasNumberOfRows(P.rows());
        for (int i = 0; i < P.rows(); i++) {
            for (int k = 0; k < P.cols(); k++) {
                assertThat(ort.probabilities()[i][k]).as("row %d, class %d", i, k).isCloseTo(P.get(i, k), within(1e-5f));
            }
            if (ort.labels() != null) {
                assertThat(ort.labels()[i]).as("label of row %d", i).isEqualTo(P.argmaxRow(i));
            }
        }
    }
}
