package dev.sinapse.onnx;

import com.google.protobuf.ByteString;
import dev.sinapse.api.Matrix;
import dev.sinapse.onnx.proto.AttributeProto;
import dev.sinapse.onnx.proto.GraphProto;
import dev.sinapse.onnx.proto.NodeProto;
import dev.sinapse.onnx.proto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The graph an export is building, for {@link LayerExporter}s: nodes in order and their float initializers. Value
 * names are kept unique here, so two exporters never collide whatever their layers are called.
 */
public final class OnnxGraph {
    private final GraphProto.Builder graph;
    private final Set<String> names = new HashSet<>();

    OnnxGraph(GraphProto.Builder graph) {
        this.graph = graph;
    }

    /**
     * Adds node {@code opType} named {@code name}, reading {@code inputs}; returns the name of its one output value
     * ({@code name}, made unique).
     */
    public String node(String opType, String name, List<String> inputs, AttributeProto... attributes) {
        String output = unique(name);
        graph.addNode(NodeProto.newBuilder().setOpType(opType).setName(output).addAllInput(inputs).addOutput(output)
                .addAllAttribute(List.of(attributes)));
        return output;
    }

    /** A float initializer named {@code name} (made unique) with {@code m}'s values, row-major, shaped {@code dims}. */
    public String initializer(String name, Matrix m, long... dims) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        if (count != m.size()) {
            throw new IllegalArgumentException("initializer '" + name + "': " + m.shape() + " does not fill shape " + List.of(dims));
        }
        String unique = unique(name);
        graph.addInitializer(floats(unique, m.data(), dims));
        return unique;
    }

    /** A float scalar initializer (shape []). */
    public String scalar(String name, float value) {
        String unique = unique(name);
        graph.addInitializer(floats(unique, new float[] {value}));
        return unique;
    }

    /** A 1-D int64 initializer named {@code name} (made unique) holding {@code values}: a shape, for Reshape. */
    public String int64s(String name, long... values) {
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        String unique = unique(name);
        graph.addInitializer(TensorProto.newBuilder().setName(unique).setDataType(TensorProto.DataType.INT64_VALUE)
                .setRawData(ByteString.copyFrom(raw.array())).addDims(values.length));
        return unique;
    }

    /**
     * A Reshape of {@code input} to [batch, sampleShape...] named {@code name}: the batch dimension is 0, which ONNX
     * reads as "the input's own", so any batch size (even 0) passes.
     */
    public String reshape(String name, String input, int[] sampleShape) {
        long[] dims = new long[sampleShape.length + 1];
        for (int i = 0; i < sampleShape.length; i++) {
            dims[i + 1] = sampleShape[i];
        }
        return node("Reshape", name, List.of(input, int64s(name + ".shape", dims)));
    }

    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** A FLOAT tensor proto; values travel as little-endian IEEE-754 bits in raw_data, so they arrive bit-exact. */
    static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /** {@code base}, or {@code base_2}, {@code base_3}... if it is taken. */
    String unique(String base) {
        String name = base;
        for (int i = 2; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    public static AttributeProto attribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto attribute(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto attribute(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)).build();
    }
}
