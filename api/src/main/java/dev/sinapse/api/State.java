package dev.sinapse.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a layer, optimizer or schedule must save to continue exactly: named tensors and named numbers.
 * Names are local to the owner ("m.0", "running_mean"); checkpoints prefix them with the owner's name.
 */
public final class State {
    private final Map<String, Matrix> tensors = new LinkedHashMap<>();
    private final Map<String, Long> longs = new LinkedHashMap<>();
    private final Map<String, Double> doubles = new LinkedHashMap<>();

    public State put(String name, Matrix m) {
        tensors.put(name, m);
        return this;
    }

    public State putLong(String name, long v) {
        longs.put(name, v);
        return this;
    }

    public State putDouble(String name, double v) {
        doubles.put(name, v);
        return this;
    }

    public Map<String, Matrix> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    public Map<String, Long> longs() {
        return Collections.unmodifiableMap(longs);
    }

    public Map<String, Double> doubles() {
        return Collections.unmodifiableMap(doubles);
    }

    public boolean isEmpty() {
        return tensors.isEmpty() && longs.isEmpty() && doubles.isEmpty();
    }

    /** The tensor {@code name}, which must exist with the given shape. */
    public Matrix tensor(String name, int rows, int cols) {
        Matrix m = tensors.get(name);
        if (m == null) {
            throw new SinapseException("saved state has no tensor '" + name + "'");
        }
        if (m.rows() != rows || m.cols() != cols) {
            throw new SinapseException("saved tensor '" + name + "' is " + m.shape() + ", expected " + rows + "x" + cols);
        }
        return m;
    }

    public long getLong(String name) {
        Long v = longs.get(name);
        if (v == null) {
            throw new SinapseException("saved state has no number '" + name + "'");
        }
        return v;
    }

    public double getDouble(String name) {
        Double v = doubles.get(name);
        if (v == null) {
            throw new SinapseException("saved state has no number '" + name + "'");
        }
        return v;
    }
}
