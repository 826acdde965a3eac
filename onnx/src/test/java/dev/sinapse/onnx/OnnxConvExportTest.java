package dev.sinapse.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Network;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.layers.NetworkBuilder;
import dev.sinapse.onnx.proto.ModelProto;
import dev.sinapse.onnx.proto.NodeProto;
import dev.sinapse.onnx.proto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Convolutional networks exported and run in the real onnxruntime, against Sinapse's own forward pass. */
class OnnxConvExportTest {
    private static final String BIAS = "uniform(low=-0.5, high=0.5)";
    /**
     * On 2 × 10 × 10 images: "same" padding with stride 2, overlapping max windows, a valid convolution, a batch norm
     * between image layers (flat in ONNX: Sinapse normalises each of the C·H·W features), average pooling with a
     * stride below its size, then flatten, dense and softmax.
     */
    static final List<LayerSpec> CONV = List.of(
            new LayerSpec("conv2d", "c1", Map.of("filters", "4", "kernel_size", "3", "padding", "same", "stride", "2", "bias_init", BIAS)),
            new LayerSpec("relu", "r1", Map.of()),                                                   // 4 x 5 x 5
            new LayerSpec("max_pool", "mp", Map.of("size", "2", "stride", "1")),                     // 4 x 4 x 4
            new LayerSpec("conv2d", "c2", Map.of("filters", "3", "kernel_size", "2", "bias_init", BIAS)), // 3 x 3 x 3
            new LayerSpec("batch_norm", "bn", Map.of()),
            new LayerSpec("tanh", "t2", Map.of()),
            new LayerSpec("avg_pool", "ap", Map.of("size", "2", "stride", "1")),                     // 3 x 2 x 2
            new LayerSpec("flatten", "flat", Map.of()),                                              // 12
            new LayerSpec("dense", "out", Map.of("units", "5", "bias_init", BIAS)),
            new LayerSpec("softmax", "softmax", Map.of()));
    /** Flat 64-value rows read as 1 × 8 × 8 by a reshape layer; a dense layer straight after the pooling, no flatten. */
    static final List<LayerSpec> RESHAPED = List.of(
            new LayerSpec("reshape", "img", Map.of("shape", "1,8,8")),
            new LayerSpec("conv2d", "conv", Map.of("filters", "3", "kernel_size", "3", "padding", "1", "stride", "2", "bias_init", BIAS)),
            new LayerSpec("avg_pool", "pool", Map.of("size", "2")),                                  // 3 x 2 x 2
            new LayerSpec("leaky_relu", "leaky", Map.of("alpha", "0.1")),
            new LayerSpec("dense", "out", Map.of("units", "4", "bias_init", BIAS)));                  // scores

    @Test
    void aConvNetworkAgreesWithOnnxruntime() throws Exception {
        Network net = build(new int[] {2, 10, 10}, CONV, 11);
        float[][] rows = OnnxExportTest.pixels(200, 200, 12);
        ModelProto model = TestModels.exporter().export(net, CONV, OnnxExportTest.info(255f, true));

        OnnxExportTest.assertAgree(Ort.run(model, rows), TestModels.probabilities(net, rows, 255f));
        // the flat input becomes [batch, 2, 10, 10] right after the preprocessing
        List<NodeProto> nodes = model.getGraph().getNodeList();
        assertThat(nodes.get(0).getOpType()).isEqualTo("Mul");
        assertThat(nodes.get(1).getOpType()).isEqualTo("Reshape");
        assertThat(shape(model, nodes.get(1).getInput(1))).containsExactly(0L, 2L, 10L, 10L);
        assertThat(nodes).extracting(NodeProto::getOpType).contains("Conv", "MaxPool", "AveragePool", "BatchNormalization");
        // conv weights as [filters, channels, kH, kW]
        TensorProto w = model.getGraph().getInitializerList().stream().filter(t -> t.getName().equals("c1.W")).findFirst().orElseThrow();
        assertThat(w.getDimsList()).containsExactly(4L, 2L, 3L, 3L);
    }

    @Test
    void aReshapeLayerAndADenseLayerAfterAnImageAgreeWithOnnxruntime() throws Exception {
        Network net = build(new int[] {64}, RESHAPED, 5);
        float[][] rows = OnnxExportTest.pixels(100, 64, 6);
        ModelProto model = TestModels.exporter().export(net, RESHAPED, OnnxExportTest.info(255f, true));

        OnnxExportTest.assertAgree(Ort.run(model, rows), TestModels.probabilities(net, rows, 255f));
        NodeProto img = model.getGraph().getNodeList().stream().filter(n -> n.getName().equals("img")).findFirst().orElseThrow();
        assertThat(img.getOpType()).isEqualTo("Reshape");
        assertThat(shape(model, img.getInput(1))).containsExactly(0L, 1L, 8L, 8L);
    }

    @Test
    void importingAConvModelFailsInOneLineOnItsFirstImageOperator() {
        Network net = build(new int[] {64}, RESHAPED, 5);
        ModelProto model = TestModels.exporter().export(net, RESHAPED, OnnxExportTest.info(255f, true));

        assertThatThrownBy(() -> OnnxImport.toCheckpoint(model, Path.of("conv.onnx"), null, TestModels.REGISTRIES))
                .isInstanceOf(SinapseException.class)
                .hasMessageContaining("conv.onnx: unsupported operator 'Reshape' (node 'img')")
                .hasMessageNotContaining("\n");
    }

    private static Network build(int[] inputShape, List<LayerSpec> specs, long seed) {
        return new NetworkBuilder(TestModels.REGISTRIES).build(inputShape, specs, new Rng(seed));
    }

    /** The values of an int64 shape initializer. */
    private static long[] shape(ModelProto model, String name) {
        TensorProto t = model.getGraph().getInitializerList().stream().filter(i -> i.getName().equals(name)).findFirst().orElseThrow();
        assertThat(t.getDataType()).isEqualTo(TensorProto.DataType.INT64_VALUE);
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long[] v = new long[(int) t.getDims(0)];
        for (int i = 0; i < v.length; i++) {
            v[i] = raw.getLong();
        }
        return v;
    }
}
