package dev.sinapse.onnx;

import dev.sinapse.api.SinapseException;
import dev.sinapse.onnx.proto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The float values of an ONNX tensor, from raw_data (little-endian) or float_data, checked against its dims. */
final class OnnxTensors {
    private OnnxTensors() {
    }

    /** Element count of {@code t}'s shape; a bad shape fails naming {@code where}. */
    static long count(TensorProto t, String where) {
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d < 0 || d > Integer.MAX_VALUE || n * d > Integer.MAX_VALUE - 8) {
                throw new SinapseException(where + ": tensor '" + t.getName() + "' has an impossible shape " + t.getDimsList());
            }
            n *= d;
        }
        return n;
    }

    static float[] floats(TensorProto t, String where) {
        String name = where + ": tensor '" + t.getName() + "'";
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new SinapseException(name + " keeps its values in an external file; import reads them only from the model file");
        }
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new SinapseException(name + " has data type " + typeName(t.getDataType()) + "; import reads FLOAT tensors");
        }
        int n = (int) count(t, where);
        float[] values = new float[n];
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != 4L * n) {
                throw new SinapseException(name + " has " + t.getRawData().size() + " bytes of raw_data, expected " + n + " floats = " + 4L * n);
            }
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().get(values);
        } else {
            if (t.getFloatDataCount() != n) {
                throw new SinapseException(name + " has " + t.getFloatDataCount() + " float_data values, expected " + n + " for shape " + t.getDimsList());
            }
            for (int i = 0; i < n; i++) {
                values[i] = t.getFloatData(i);
            }
        }
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(values[i])) {
                throw new SinapseException(name + " holds " + values[i] + " at index " + i + "; a usable model has only finite numbers");
            }
        }
        return values;
    }

    private static String typeName(int type) {
        TensorProto.DataType d = TensorProto.DataType.forNumber(type);
        return d == null ? Integer.toString(type) : d.name();
    }
}
