package dev.sinapse.onnx;

import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.checkpoint.CheckpointFormat;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.DataConfig;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.io.proto.LayerConfig;
import dev.sinapse.io.proto.LossConfig;
import dev.sinapse.io.proto.NamedState;
import dev.sinapse.io.proto.NetworkConfig;
import dev.sinapse.io.proto.OptimizerState;
import dev.sinapse.io.proto.Tensor;
import dev.sinapse.layers.NetworkBuilder;
import dev.sinapse.onnx.proto.AttributeProto;
import dev.sinapse.onnx.proto.GraphProto;
import dev.sinapse.onnx.proto.ModelProto;
import dev.sinapse.onnx.proto.NodeProto;
import dev.sinapse.onnx.proto.StringStringEntryProto;
import dev.sinapse.onnx.proto.TensorProto;
import dev.sinapse.onnx.proto.TensorShapeProto;
import dev.sinapse.onnx.proto.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An MLP from an ONNX model as a Sinapse checkpoint: its config (network, preprocessing) and its weights, which
 * evaluate, predict, show and train --init-from then use like a trained run's. The graph must be one chain from its
 * one input to its output, node by node:
 * <pre>
 *   [Mul or Div by a scalar]   → data.pixel_scale (the preprocessing; at the start only)
 *   Gemm, or MatMul [+ Add]    → dense          Relu, Sigmoid, Tanh, LeakyRelu → the activation
 *   Softmax (over the classes) → softmax        Dropout → dropout;  Flatten (axis 1) → flatten
 *   BatchNormalization         → batch_norm     Identity → nothing;  ArgMax of the output → nothing (a label output)
 * </pre>
 * which covers MLPs exported by PyTorch's torch.onnx.export and every file Sinapse's export writes. Anything else
 * fails with one line naming the operator and the node. Layers take their names from the weights' initializers
 * ("fc1.weight" gives "fc1") or the nodes' ("/fc1/Gemm" gives "fc1"), so a Sinapse export imports with its own layer
 * and parameter names, and the same params_sha256.
 */
public final class OnnxImport {
    private final Path file;
    private final GraphProto graph;
    private final long opset;
    private final Map<String, TensorProto> constants = new HashMap<>();
    private final List<LayerConfig> layers = new ArrayList<>();
    private final List<Tensor> params = new ArrayList<>();
    private final List<NamedState> states = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Set<String> labelOutputs = new HashSet<>();
    private Float inputFactor;   // the scalar the graph multiplies its input by first, if any
    private Float divisor;       // the scalar it divides by, when it divides
    private String scaledBy = "";
    private long inputSize;      // the graph input's features; 0 while unknown
    private long size;           // features coming into the next layer; 0 while unknown

    private OnnxImport(Path file, ModelProto model) {
        this.file = file;
        this.graph = model.getGraph();
        this.opset = OnnxFiles.opset(model);
    }

    /**
     * The checkpoint of {@code model}, read from {@code file}: format {@link CheckpointFormat#CURRENT_VERSION}, its
     * config with defaults filled (cross-entropy, the bundled data), its parameters and layer states, at step 0, with
     * no provenance (the caller adds it). {@code pixelScale}: data.pixel_scale for a graph that does not scale its input
     * itself, or null for the graph's own (1 if it has none). The network is built with {@code registries} to check
     * that the weights fit it.
     */
    public static Checkpoint toCheckpoint(ModelProto model, Path file, Float pixelScale, Registries registries) {
        return new OnnxImport(file, model).convert(model, pixelScale, registries);
    }

    private Checkpoint convert(ModelProto model, Float pixelScale, Registries registries) {
        for (TensorProto t : graph.getInitializerList()) {
            constants.put(t.getName(), t);
        }
        String current = input();
        List<NodeProto> nodes = graph.getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            String op = n.getOpType();
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw unsupported(n);
            }
            if (op.equals("Constant")) {
                constant(n);
                continue;
            }
            if (op.equals("ArgMax") && n.getInputCount() == 1 && n.getInput(0).equals(current)) {
                labelOutputs.add(output(n));   // the label beside the probabilities: the argmax predict takes itself
                continue;
            }
            if (!isSupported(op)) {
                throw unsupported(n);
            }
            if (n.getInputCount() == 0 || !n.getInput(0).equals(current) && !op.equals("Mul")) {
                throw new SinapseException(where(n) + " does not read the output of the node before it ('" + current
                        + "'); import reads a chain of layers from the input to the output");
            }
            current = switch (op) {
                case "Identity" -> output(n);
                case "Mul", "Div" -> scale(n, current);
                case "Gemm" -> gemm(n);
                case "MatMul" -> {
                    NodeProto add = i + 1 < nodes.size() && nodes.get(i + 1).getOpType().equals("Add")
                            && nodes.get(i + 1).getInputList().contains(output(n)) ? nodes.get(++i) : null;
                    yield matMul(n, add);
                }
                case "Relu" -> simple(n, "relu", Map.of());
                case "Sigmoid" -> simple(n, "sigmoid", Map.of());
                case "Tanh" -> simple(n, "tanh", Map.of());
                case "LeakyRelu" -> simple(n, "leaky_relu", Map.of("alpha", number(floatAttribute(n, "alpha", 0.01f))));
                case "Softmax" -> softmax(n);
                case "Flatten" -> flatten(n);
                case "Dropout" -> dropout(n);
                case "BatchNormalization" -> batchNorm(n);
                default -> throw unsupported(n);
            };
        }
        outputs(current);
        if (layers.isEmpty()) {
            throw new SinapseException(file + ": the graph has no layers to import");
        }
        return checkpoint(model, pixelScale, registries);
    }

    private static boolean isSupported(String op) {
        return List.of("Identity", "Mul", "Div", "Gemm", "MatMul", "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Softmax", "Flatten",
                "Dropout", "BatchNormalization").contains(op);
    }

    /** The one graph input that is not an initializer: float, [batch, features]. */
    private String input() {
        List<ValueInfoProto> inputs = graph.getInputList().stream().filter(v -> !constants.containsKey(v.getName())).toList();
        if (inputs.size() != 1) {
            throw new SinapseException(file + ": the graph has " + inputs.size() + " inputs besides its initializers; import reads models with one");
        }
        ValueInfoProto in = inputs.get(0);
        if (in.getType().hasTensorType()) {
            int type = in.getType().getTensorType().getElemType();
            if (type != TensorProto.DataType.FLOAT_VALUE) {
                throw new SinapseException(file + ": input '" + in.getName() + "' has element type " + type + "; import reads float inputs (1)");
            }
            TensorShapeProto shape = in.getType().getTensorType().getShape();
            if (in.getType().getTensorType().hasShape() && shape.getDimCount() != 2) {
                throw new SinapseException(file + ": input '" + in.getName() + "' has " + shape.getDimCount()
                        + " dimensions; import reads [batch, features]");
            }
            if (shape.getDimCount() == 2 && shape.getDim(1).hasDimValue()) {
                inputSize = shape.getDim(1).getDimValue();
                size = inputSize;
            }
        }
        return in.getName();
    }

    /** Every graph output is the last layer's output, or an ArgMax of it. */
    private void outputs(String last) {
        if (graph.getOutputCount() == 0) {
            throw new SinapseException(file + ": the graph has no outputs");
        }
        for (ValueInfoProto o : graph.getOutputList()) {
            if (!o.getName().equals(last) && !labelOutputs.contains(o.getName())) {
                throw new SinapseException(file + ": graph output '" + o.getName() + "' is not the end of the chain of layers ('" + last
                        + "'); import reads models with one output (and optionally its argmax)");
            }
        }
        if (graph.getOutputList().stream().noneMatch(o -> o.getName().equals(last))) {
            throw new SinapseException(file + ": the last layer's output '" + last + "' is not a graph output");
        }
    }

    private void constant(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("value") && a.hasT()) {
                constants.put(output(n), a.getT());
                return;
            }
            if (a.getName().equals("value_float")) {
                constants.put(output(n), OnnxGraph.floats(output(n), new float[] {a.getF()}));
                return;
            }
        }
        throw new SinapseException(where(n) + ": import reads constants given as a float tensor ('value') or 'value_float'");
    }

    /** Mul or Div of the input by a scalar, before any layer: the pixel scale. */
    private String scale(NodeProto n, String current) {
        boolean mul = n.getOpType().equals("Mul");
        int data = n.getInput(0).equals(current) ? 0 : 1;
        if (!layers.isEmpty() || inputFactor != null || n.getInputCount() != 2 || !n.getInput(data).equals(current) || !mul && data != 0) {
            throw new SinapseException(where(n) + ": import reads " + n.getOpType() + " only as the scaling of the input, by a "
                    + "constant, before the first layer");
        }
        float[] c = floats(n, 1 - data);
        if (c.length != 1 || c[0] == 0) {
            throw new SinapseException(where(n) + ": scales the input by " + c.length + " values; import reads one non-zero scalar");
        }
        inputFactor = mul ? c[0] : 1f / c[0];
        divisor = mul ? null : c[0];
        scaledBy = mul ? "multiplies it by " + c[0] : "divides it by " + c[0];
        return output(n);
    }

    /** Gemm: Y = alpha·A·op(B) + beta·C, with op(B) = Bᵀ when transB = 1. */
    private String gemm(NodeProto n) {
        if (intAttribute(n, "transA", 0) != 0) {
            throw new SinapseException(where(n) + ": transA = 1 multiplies the transposed input; import reads transA = 0");
        }
        float alpha = floatAttribute(n, "alpha", 1f), beta = floatAttribute(n, "beta", 1f);
        boolean transB = intAttribute(n, "transB", 0) != 0;
        TensorProto b = constant(n, 1);
        float[] w = floats(n, 1);
        if (b.getDimsCount() != 2) {
            throw new SinapseException(where(n) + ": weights '" + b.getName() + "' have shape " + b.getDimsList() + "; expected 2 dimensions");
        }
        int out = (int) b.getDims(transB ? 0 : 1), in = (int) b.getDims(transB ? 1 : 0);
        float[] W = transB ? w : transpose(w, in, out);
        scaleInPlace(W, alpha);
        float[] bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? bias(n, 2, out) : new float[out];
        scaleInPlace(bias, beta);
        dense(n, b.getName(), in, out, W, bias);
        return output(n);
    }

    /** MatMul by a constant [in, out] (X·W, so W is stored transposed), then the Add of a bias, if there is one. */
    private String matMul(NodeProto n, NodeProto add) {
        TensorProto b = constant(n, 1);
        float[] w = floats(n, 1);
        if (b.getDimsCount() != 2) {
            throw new SinapseException(where(n) + ": weights '" + b.getName() + "' have shape " + b.getDimsList() + "; expected 2 dimensions");
        }
        int in = (int) b.getDims(0), out = (int) b.getDims(1);
        float[] bias = new float[out];
        String output = output(n);
        if (add != null) {
            int other = add.getInput(0).equals(output) ? 1 : 0;
            if (add.getInputCount() != 2 || !add.getInput(1 - other).equals(output)) {
                throw new SinapseException(where(add) + ": adds to the product more than a bias; import reads MatMul + Add(bias)");
            }
            bias = bias(add, other, out);
        }
        dense(n, b.getName(), in, out, transpose(w, in, out), bias);
        return add != null ? output(add) : output;
    }

    /** A bias of {@code out} values (shape [out], [1, out], or one value broadcast). */
    private float[] bias(NodeProto n, int input, int out) {
        float[] c = floats(n, input);
        if (c.length == out) {
            return c;
        }
        if (c.length == 1) {
            float[] b = new float[out];
            java.util.Arrays.fill(b, c[0]);
            return b;
        }
        throw new SinapseException(where(n) + ": bias '" + n.getInput(input) + "' has " + c.length + " values for " + out + " outputs");
    }

    private void dense(NodeProto n, String weightName, int in, int out, float[] W, float[] b) {
        width(in);
        if (in != size) {
            throw new SinapseException(where(n) + ": weights '" + weightName + "' take " + in + " inputs, but the layer before gives " + size);
        }
        if (in <= 0 || out <= 0) {
            throw new SinapseException(where(n) + ": weights '" + weightName + "' are empty");
        }
        String name = layerName(n, weightName, "dense");
        layers.add(layer("dense", name, Map.of("units", Integer.toString(out))));
        params.add(tensor(name + ".W", out, in, W));
        params.add(tensor(name + ".b", 1, out, b));
        size = out;
    }

    /** The first layer with a width of its own fixes the input's, when the graph's input did not declare it. */
    private void width(long layerInputs) {
        if (inputSize == 0 && size == 0) {
            inputSize = layerInputs;
            size = layerInputs;
        }
    }

    private String simple(NodeProto n, String type, Map<String, String> options) {
        layers.add(layer(type, layerName(n, "", type), options));
        return output(n);
    }

    private String softmax(NodeProto n) {
        long axis = intAttribute(n, "axis", opset >= 13 ? -1 : 1);
        if (axis != 1 && axis != -1) {
            throw new SinapseException(where(n) + ": softmax over axis " + axis + "; import reads softmax over the classes (axis 1 or -1)");
        }
        return simple(n, "softmax", Map.of());
    }

    private String flatten(NodeProto n) {
        if (intAttribute(n, "axis", 1) != 1) {
            throw new SinapseException(where(n) + ": flattens from axis " + intAttribute(n, "axis", 1) + "; import reads axis 1");
        }
        return simple(n, "flatten", Map.of());
    }

    /** Dropout, the identity at inference; its ratio is an input since opset 12, an attribute before. */
    private String dropout(NodeProto n) {
        float rate = floatAttribute(n, "ratio", 0.5f);
        if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
            float[] r = floats(n, 1);
            if (r.length != 1) {
                throw new SinapseException(where(n) + ": ratio '" + n.getInput(1) + "' has " + r.length + " values; expected one");
            }
            rate = r[0];
        }
        if (!(rate >= 0 && rate < 1)) {
            throw new SinapseException(where(n) + ": ratio " + rate + "; expected a rate in [0, 1)");
        }
        return simple(n, "dropout", Map.of("rate", number(rate)));
    }

    /** BatchNormalization in inference mode: X, scale γ, bias β, mean, var; the last two become the running statistics. */
    private String batchNorm(NodeProto n) {
        if (n.getInputCount() != 5 || n.getOutputCount() > 1 && n.getOutputList().stream().skip(1).anyMatch(s -> !s.isEmpty())) {
            throw new SinapseException(where(n) + ": import reads BatchNormalization with 5 inputs and one output (inference mode)");
        }
        if (intAttribute(n, "training_mode", 0) != 0) {
            throw new SinapseException(where(n) + ": training_mode = 1; import reads inference-mode batch normalization");
        }
        float[] gamma = floats(n, 1), beta = floats(n, 2), mean = floats(n, 3), var = floats(n, 4);
        int features = gamma.length;
        width(features);
        if (features != size || beta.length != features || mean.length != features || var.length != features) {
            throw new SinapseException(where(n) + ": scale, bias, mean and var have " + gamma.length + ", " + beta.length + ", " + mean.length
                    + " and " + var.length + " values for " + size + " features");
        }
        for (float v : var) {
            if (v < 0) {
                throw new SinapseException(where(n) + ": var '" + n.getInput(4) + "' holds the negative variance " + v);
            }
        }
        String name = layerName(n, n.getInput(1), "batch_norm");
        Map<String, String> options = new LinkedHashMap<>();
        options.put("epsilon", number(floatAttribute(n, "epsilon", 1e-5f)));
        options.put("momentum", number(floatAttribute(n, "momentum", 0.9f)));
        layers.add(layer("batch_norm", name, options));
        params.add(tensor(name + ".gamma", 1, features, gamma));
        params.add(tensor(name + ".beta", 1, features, beta));
        states.add(NamedState.newBuilder().setOwner(name).addTensors(tensor("running_mean", 1, features, mean))
                .addTensors(tensor("running_var", 1, features, var)).build());
        size = features;
        return output(n);
    }

    private Checkpoint checkpoint(ModelProto model, Float pixelScale, Registries registries) {
        float scale = pixelScale(pixelScale);
        String name = metadata(model, OnnxExport.EXPERIMENT);
        if (name.isEmpty()) {
            String stem = file.getFileName() == null ? "onnx" : file.getFileName().toString();
            name = stem.toLowerCase(Locale.ROOT).endsWith(".onnx") ? stem.substring(0, stem.length() - 5) : stem;
        }
        if (inputSize <= 0 || inputSize > Integer.MAX_VALUE) {
            throw new SinapseException(file + ": the graph's input has no usable width (" + inputSize + ") and no layer gives one");
        }
        Experiment e = ConfigFiles.withDefaults(Experiment.newBuilder().setName(name)
                .setData(DataConfig.newBuilder().setPixelScale(scale))
                .setNetwork(NetworkConfig.newBuilder().setInputSize((int) inputSize).addAllLayers(layers))
                .setLoss(LossConfig.newBuilder().setType("cross_entropy"))
                .build());
        try {
            ConfigFiles.validate(e);
        } catch (SinapseException x) {
            throw new SinapseException(file + ": the imported config: " + x.getMessage(), x);
        }
        checkFits(e, registries);
        String header = "# imported from " + file.getFileName() + " (ONNX, " + describe(model) + ", opset " + opset + ")\n";
        return Checkpoint.newBuilder().setFormatVersion(CheckpointFormat.CURRENT_VERSION)
                .setConfigText(header + ConfigFiles.toText(e)).setConfig(e)
                .addAllParams(params).addAllLayerStates(states)
                .setOptimizer(OptimizerState.newBuilder().setType(e.getOptimizer().getType())
                        .setState(NamedState.newBuilder().setOwner(e.getOptimizer().getType())))
                .build();
    }

    /** Builds the network the config describes and compares its parameters' shapes with the imported ones. */
    private void checkFits(Experiment e, Registries registries) {
        List<LayerSpec> specs = e.getNetwork().getLayersList().stream()
                .map(l -> new LayerSpec(l.getType(), l.getName(), l.getOptionsMap())).toList();
        Network net;
        try {
            net = new NetworkBuilder(registries).build(e.getNetwork().getInputSize(), specs, new Rng(0));
        } catch (SinapseException x) {
            throw new SinapseException(file + ": the imported network: " + x.getMessage(), x);
        }
        if (net.params().size() != params.size()) {
            throw new IllegalStateException("import made " + params.size() + " tensors for " + net.params().size() + " parameters");
        }
        for (int i = 0; i < params.size(); i++) {
            Param p = net.params().get(i);
            Tensor t = params.get(i);
            if (!p.name().equals(t.getName()) || p.value().rows() != t.getRows() || p.value().cols() != t.getCols()) {
                throw new IllegalStateException("import made " + t.getName() + " " + t.getRows() + "x" + t.getCols() + " for " + p);
            }
        }
    }

    /** data.pixel_scale: the one given, or the inverse of the graph's factor, chosen so that 1f / scale is that factor. */
    private float pixelScale(Float given) {
        if (given != null) {
            if (inputFactor != null) {
                throw new SinapseException(file + ": the graph scales its input itself (it " + scaledBy + "); drop --pixel-scale");
            }
            return given;
        }
        if (inputFactor == null) {
            return 1f;
        }
        if (!(inputFactor > 0) || Float.isInfinite(1f / inputFactor)) {
            throw new SinapseException(file + ": the graph " + scaledBy + ", which is no positive pixel scale");
        }
        if (divisor != null) {
            return divisor;   // predict multiplies by 1f / pixel_scale, which rounds at most once more than the division
        }
        // predict multiplies by 1f / pixel_scale: of the scales that give the graph's exact factor back, the one written
        // shortest (255 rather than 254.99998, which gives the same factor)
        float scale = (float) (1.0 / inputFactor);
        float best = scale;
        for (float s : new float[] {Math.round(scale), scale, Math.nextUp(scale), Math.nextDown(scale)}) {
            if (s > 0 && 1f / s == inputFactor && (1f / best != inputFactor || Float.toString(s).length() < Float.toString(best).length())) {
                best = s;
            }
        }
        return best;
    }

    private static String describe(ModelProto model) {
        String p = (model.getProducerName() + " " + model.getProducerVersion()).trim();
        return p.isEmpty() ? "producer unknown" : "producer " + p;
    }

    private static String metadata(ModelProto model, String key) {
        return model.getMetadataPropsList().stream().filter(m -> m.getKey().equals(key)).map(StringStringEntryProto::getValue)
                .findFirst().orElse("").trim();
    }

    /**
     * A layer name: from the weights' initializer without its suffix ("fc1.weight", "hidden.W"), else from the node's
     * name ("/fc1/Gemm" gives "fc1", "relu" stays "relu"), else the type and position as configs name unnamed layers.
     */
    private String layerName(NodeProto n, String weightName, String type) {
        for (String candidate : List.of(stripSuffix(weightName), fromNodeName(n.getName()))) {
            if (!candidate.isEmpty() && candidate.matches("[A-Za-z0-9_.-]+") && names.add(candidate)) {
                return candidate;
            }
        }
        String name = type + (layers.size() + 1);
        for (int k = 2; !names.add(name); k++) {
            name = type + (layers.size() + 1) + "_" + k;
        }
        return name;
    }

    private static String stripSuffix(String weight) {
        for (String suffix : List.of(".W", ".weight", ".gamma")) {
            if (weight.endsWith(suffix) && weight.length() > suffix.length()) {
                return weight.substring(0, weight.length() - suffix.length());
            }
        }
        return "";
    }

    /** "/fc1/Gemm" → "fc1", "/seq/0/Gemm" → "seq.0", "relu" → "relu", "/Relu" → "". */
    private static String fromNodeName(String name) {
        if (!name.contains("/")) {
            return name;
        }
        String path = name.startsWith("/") ? name.substring(1) : name;
        int last = path.lastIndexOf('/');
        return last < 0 ? "" : path.substring(0, last).replace('/', '.');
    }

    private static LayerConfig layer(String type, String name, Map<String, String> options) {
        return LayerConfig.newBuilder().setType(type).setName(name).putAllOptions(options).build();
    }

    private static Tensor tensor(String name, int rows, int cols, float[] values) {
        Tensor.Builder t = Tensor.newBuilder().setName(name).setRows(rows).setCols(cols);
        for (float v : values) {
            t.addValues(v);
        }
        return t.build();
    }

    /** A float as an option value that reads back as the same float. */
    private static String number(float v) {
        return Float.toString(v);
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }

    private static void scaleInPlace(float[] a, float alpha) {
        if (alpha != 1f) {
            for (int i = 0; i < a.length; i++) {
                a[i] *= alpha;
            }
        }
    }

    private TensorProto constant(NodeProto n, int input) {
        if (n.getInputCount() <= input) {
            throw new SinapseException(where(n) + ": has no input " + input);
        }
        TensorProto t = constants.get(n.getInput(input));
        if (t == null) {
            throw new SinapseException(where(n) + ": input '" + n.getInput(input) + "' is not an initializer or constant; import reads "
                    + "weights stored in the file");
        }
        return t;
    }

    private float[] floats(NodeProto n, int input) {
        return OnnxTensors.floats(constant(n, input), file + ": " + describeNode(n));
    }

    private String output(NodeProto n) {
        if (n.getOutputCount() == 0 || n.getOutput(0).isEmpty()) {
            throw new SinapseException(where(n) + ": has no output");
        }
        return n.getOutput(0);
    }

    private static long intAttribute(NodeProto n, String name, long fallback) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).mapToLong(AttributeProto::getI).findFirst().orElse(fallback);
    }

    private static float floatAttribute(NodeProto n, String name, float fallback) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).map(AttributeProto::getF).findFirst().orElse(fallback);
    }

    private SinapseException unsupported(NodeProto n) {
        String op = n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + "." + n.getOpType();
        return new SinapseException(file + ": unsupported operator '" + op + "' (node '" + n.getName() + "'); import reads MLPs: Gemm, "
                + "MatMul+Add, Relu, Sigmoid, Tanh, LeakyRelu, Softmax, Dropout, Flatten, BatchNormalization");
    }

    private String where(NodeProto n) {
        return file + ": " + describeNode(n);
    }

    private static String describeNode(NodeProto n) {
        return "node '" + n.getName() + "' (" + n.getOpType() + ")";
    }
}
