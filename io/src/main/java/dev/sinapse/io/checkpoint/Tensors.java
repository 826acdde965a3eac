package dev.sinapse.io.checkpoint;

import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.State;
import dev.sinapse.io.proto.NamedState;
import dev.sinapse.io.proto.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Converts between the api's {@link Matrix} / {@link State} and their checkpoint messages, and digests parameters.
 * Floats travel as their IEEE-754 bits both ways, so a round trip is bit-exact.
 */
public final class Tensors {
    private static final int CHUNK = 8192;

    private Tensors() {
    }

    public static Tensor toProto(String name, Matrix m) {
        Tensor.Builder t = Tensor.newBuilder().setName(name).setRows(m.rows()).setCols(m.cols());
        for (float v : m.data()) {
            t.addValues(v);
        }
        return t.build();
    }

    /** A new matrix with the tensor's values. Throws {@link SinapseException} naming the tensor if they do not fit. */
    public static Matrix toMatrix(Tensor t) {
        long rows = Integer.toUnsignedLong(t.getRows());
        long cols = Integer.toUnsignedLong(t.getCols());
        if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE || rows * cols > Integer.MAX_VALUE - 8) {
            throw new SinapseException("tensor '" + printable(t.getName()) + "' has an impossible shape " + rows + "x" + cols);
        }
        if (t.getValuesCount() != rows * cols) {
            throw new SinapseException("tensor '" + printable(t.getName()) + "' has " + t.getValuesCount() + " values, expected "
                    + rows + "x" + cols + " = " + rows * cols);
        }
        float[] values = new float[t.getValuesCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = t.getValues(i);
        }
        return new Matrix((int) rows, (int) cols, values);
    }

    public static NamedState toProto(String owner, State s) {
        NamedState.Builder p = NamedState.newBuilder().setOwner(owner);
        for (Map.Entry<String, Matrix> e : s.tensors().entrySet()) {
            p.addTensors(toProto(e.getKey(), e.getValue()));
        }
        return p.putAllLongs(s.longs()).putAllDoubles(s.doubles()).build();
    }

    /** The state saved as {@code p}; its tensors are new matrices. */
    public static State toState(NamedState p) {
        State s = new State();
        for (Tensor t : p.getTensorsList()) {
            if (s.tensors().containsKey(t.getName())) {
                throw new SinapseException("state of '" + printable(p.getOwner()) + "' has two tensors named '"
                        + printable(t.getName()) + "'");
            }
            try {
                s.put(t.getName(), toMatrix(t));
            } catch (SinapseException e) {
                throw new SinapseException("state of '" + printable(p.getOwner()) + "': " + e.getMessage(), e);
            }
        }
        p.getLongsMap().forEach(s::putLong);
        p.getDoublesMap().forEach(s::putDouble);
        return s;
    }

    /**
     * SHA-256, as 64 lowercase hex digits, over the parameters in list order. For each tensor it digests:
     * the name in UTF-8, one zero byte, rows and cols as big-endian 32-bit integers, then every value's
     * IEEE-754 bits ({@link Float#floatToRawIntBits}) as big-endian 32-bit integers, row-major. No separator
     * between tensors: the zero byte and the fixed-size shape already make the byte stream unambiguous.
     * The same weights give the same digest on any machine, whatever file they came from.
     */
    public static String paramsSha256(List<Tensor> params) {
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.BIG_ENDIAN);
        for (Tensor t : params) {
            sha.update(t.getName().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            buf.putInt(t.getRows()).putInt(t.getCols());
            for (int i = 0; i < t.getValuesCount(); i++) {
                if (!buf.hasRemaining()) {
                    sha.update(buf.flip());
                    buf.clear();
                }
                buf.putInt(Float.floatToRawIntBits(t.getValues(i)));
            }
            sha.update(buf.flip());
            buf.clear();
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Names come from the file, which may be hostile; an error message stays on one line whatever they hold. */
    private static String printable(String name) {
        return name.replaceAll("\\p{Cntrl}", "?");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
