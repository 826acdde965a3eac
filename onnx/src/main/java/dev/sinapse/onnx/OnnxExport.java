package dev.sinapse.onnx;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.Shapes;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.SoftmaxOutput;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.config.Json;
import dev.sinapse.io.proto.Tensor;
import dev.sinapse.onnx.proto.GraphProto;
import dev.sinapse.onnx.proto.ModelProto;
import dev.sinapse.onnx.proto.OperatorSetIdProto;
import dev.sinapse.onnx.proto.StringStringEntryProto;
import dev.sinapse.onnx.proto.TensorProto;
import dev.sinapse.onnx.proto.TensorShapeProto;
import dev.sinapse.onnx.proto.TypeProto;
import dev.sinapse.onnx.proto.ValueInfoProto;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A trained network as an ONNX model (IR version {@value #IR_VERSION}, default-domain opset {@value #OPSET}) that
 * takes what predict takes and gives what it gives:
 * <pre>
 *   pixels [batch, inputs] (float, raw) → Mul by 1/pixel_scale → (Reshape to [batch, C, H, W] for image inputs)
 *     → each layer's nodes → probabilities [batch, classes]
 *                                                                                   → ArgMax → label [batch] (int64, optional)
 * </pre>
 * Each layer is written by the {@link LayerExporter} bound under its config key; a value is reshaped between two
 * layers where one exporter gives an image and the next takes flat rows ({@link LayerExporter#shaped()}), which
 * moves no value: a row is an image channel by channel, each row by row, ONNX's row-major order. A network that does not end in a
 * softmax (raw scores trained with cross-entropy) gets one, as predict's probabilities do. The metadata carries the
 * experiment's name, the parameters' digest as checkpoints compute it (params_sha256), the Sinapse version and, where
 * the model has them, the class names.
 */
public final class OnnxExport {
    public static final int IR_VERSION = 8;
    public static final int OPSET = 17;
    public static final String INPUT = "pixels";
    public static final String PROBABILITIES = "probabilities";
    public static final String LABEL = "label";
    /** Metadata keys. */
    public static final String EXPERIMENT = "experiment", PARAMS_SHA256 = "params_sha256", SINAPSE_VERSION = "sinapse_version",
            CLASS_NAMES = "class_names";
    private static final String BATCH = "batch";

    private final Map<String, LayerExporter> exporters;

    @Inject
    public OnnxExport(Map<String, LayerExporter> exporters) {
        this.exporters = Map.copyOf(exporters);
    }

    /**
     * The model of {@code network}, whose layers were built from {@code specs} in the same order. Fails with one line
     * naming the first layer whose type has no exporter.
     */
    public ModelProto export(Network network, List<LayerSpec> specs, ModelInfo info) {
        List<Layer> layers = network.layers();
        if (specs.size() != layers.size()) {
            throw new IllegalArgumentException(specs.size() + " layer entries for " + layers.size() + " layers");
        }
        for (int i = 0; i < layers.size(); i++) {
            String type = specs.get(i).type().trim();
            if (!exporters.containsKey(type)) {
                throw new SinapseException("layer '" + layers.get(i).name() + "' (" + type + ") has no ONNX exporter; a plug-in adds "
                        + "one by binding a LayerExporter under '" + type + "' (exporters: " + String.join(", ", new TreeSet<>(exporters.keySet())) + ")");
            }
        }
        GraphProto.Builder g = GraphProto.newBuilder().setName(info.experiment().isEmpty() ? "sinapse" : info.experiment());
        OnnxGraph graph = new OnnxGraph(g);
        for (String reserved : List.of(INPUT, PROBABILITIES, LABEL)) {
            graph.unique(reserved);
        }
        g.addInput(value(INPUT, TensorProto.DataType.FLOAT, network.inputSize()));
        String x = INPUT;
        if (info.features() != null) {
            // the table's transform, in predict's order and float operations: fill, subtract, multiply
            ModelInfo.Features f = info.features();
            int n = f.shift().length;
            String fill = graph.initializer("fill", new dev.sinapse.api.Matrix(1, n, f.fill()), n);
            String missing = graph.node("IsNaN", "missing", List.of(x));
            x = graph.node("Where", "filled", List.of(missing, fill, x));
            x = graph.node("Sub", "shifted", List.of(x, graph.initializer("shift", new dev.sinapse.api.Matrix(1, n, f.shift()), n)));
            x = graph.node("Mul", "scaled", List.of(x, graph.initializer("factor", new dev.sinapse.api.Matrix(1, n, f.factor()), n)));
        }
        if (info.pixelScale() != 1f) {
            // the same float factor predict multiplies by (TrainedModel), so the two see bit-identical inputs
            String factor = graph.scalar("inverse_pixel_scale", 1f / info.pixelScale());
            x = graph.node("Mul", "preprocess", List.of(x, factor));
        }
        // held: the per-sample shape of x in the graph; declared: what the layer before gives (Layer.outputShape)
        int[] declared = network.inputShape(), held = {network.inputSize()};
        if (declared.length > 1) {
            x = graph.reshape("image", x, declared);
            held = declared;
        }
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            LayerExporter exporter = exporters.get(specs.get(i).type().trim());
            int[] wanted = exporter.shaped() ? declared : new int[] {Shapes.size(declared)};
            if (!Arrays.equals(held, wanted)) {
                x = graph.reshape(layer.name() + ".input", x, wanted);
            }
            x = exporter.export(layer, specs.get(i), graph, x);
            declared = layer.outputShape();
            held = exporter.shaped() ? declared : new int[] {layer.outputSize()};
        }
        if (held.length > 1) {   // an image out of the last layer: probabilities are per row
            x = graph.reshape("flat", x, new int[] {Shapes.size(held)});
        }
        boolean softmaxLast = !layers.isEmpty() && layers.get(layers.size() - 1) instanceof SoftmaxOutput;
        g.addNode(softmaxLast ? node("Identity", PROBABILITIES, x) : node("Softmax", PROBABILITIES, x).addAttribute(OnnxGraph.attribute("axis", 1L)));
        g.addOutput(value(PROBABILITIES, TensorProto.DataType.FLOAT, network.outputSize()));
        if (info.labelOutput()) {
            g.addNode(node("ArgMax", LABEL, PROBABILITIES).addAttribute(OnnxGraph.attribute("axis", 1L))
                    .addAttribute(OnnxGraph.attribute("keepdims", 0L)));
            g.addOutput(value(LABEL, TensorProto.DataType.INT64));
        }
        ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("sinapse").setProducerVersion(info.sinapseVersion())
                .setDocString("Exported by Sinapse: input '" + INPUT + "' takes raw features as predict does (divided by "
                        + info.pixelScale() + " inside the graph); output '" + PROBABILITIES + "' gives class probabilities")
                .setGraph(g);
        metadata(model, EXPERIMENT, info.experiment());
        metadata(model, PARAMS_SHA256, paramsSha256(network));
        metadata(model, SINAPSE_VERSION, info.sinapseVersion());
        if (!info.classNames().isEmpty()) {
            metadata(model, CLASS_NAMES, Json.write(info.classNames()));
        }
        return model.build();
    }

    /** The digest checkpoints record for these parameters ({@link Tensors#paramsSha256}). */
    public static String paramsSha256(Network network) {
        List<Tensor> tensors = new ArrayList<>();
        for (Param p : network.params()) {
            tensors.add(Tensors.toProto(p.name(), p.value()));
        }
        return Tensors.paramsSha256(tensors);
    }

    private static dev.sinapse.onnx.proto.NodeProto.Builder node(String op, String output, String input) {
        return dev.sinapse.onnx.proto.NodeProto.newBuilder().setOpType(op).setName(output).addInput(input).addOutput(output);
    }

    private static void metadata(ModelProto.Builder model, String key, String value) {
        model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    /** A tensor value [batch, sizes...] of {@code type}; the batch dimension is symbolic. */
    private static ValueInfoProto value(String name, TensorProto.DataType type, long... sizes) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        for (long s : sizes) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(s));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }
}
