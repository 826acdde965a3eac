package dev.sinapse.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of one config entry ("units" → "10"), read by its factory into typed values. Every read is
 * checked and named: {@code layer 'hidden' (dense): option 'units' must be a positive integer, got 'ten'}.
 * {@link #requireAllUsed()} rejects options nobody read, listing the ones that exist.
 */
public final class Options {
    private final String where;
    private final Map<String, String> values;
    private final Set<String> known = new TreeSet<>();

    /** @param where how to name the owner in messages, e.g. "layer 'hidden' (dense)" */
    public Options(String where, Map<String, String> values) {
        this.where = where;
        this.values = new LinkedHashMap<>(values);
    }

    public static Options empty(String where) {
        return new Options(where, Map.of());
    }

    public String where() {
        return where;
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    public boolean has(String key) {
        known.add(key);
        return values.containsKey(key);
    }

    public String getString(String key, String fallback) {
        known.add(key);
        String v = values.get(key);
        return v == null ? fallback : v.trim();
    }

    public String requireString(String key) {
        String v = getString(key, null);
        if (v == null || v.isEmpty()) {
            throw error(key, "is required");
        }
        return v;
    }

    public int requireInt(String key) {
        if (!has(key)) {
            throw error(key, "is required (an integer)");
        }
        return getInt(key, 0);
    }

    public int getInt(String key, int fallback) {
        String v = getString(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw error(key, "must be an integer, got '" + v + "'");
        }
    }

    public int getPositiveInt(String key, int fallback) {
        int v = getInt(key, fallback);
        if (v <= 0) {
            throw error(key, "must be a positive integer, got " + v);
        }
        return v;
    }

    public double getDouble(String key, double fallback) {
        String v = getString(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw error(key, "must be a finite number, got '" + v + "'");
            }
            return d;
        } catch (NumberFormatException e) {
            throw error(key, "must be a number, got '" + v + "'");
        }
    }

    /** A number in [min, max]. */
    public double getDouble(String key, double fallback, double min, double max) {
        double d = getDouble(key, fallback);
        if (d < min || d > max) {
            throw error(key, "must be between " + min + " and " + max + ", got " + d);
        }
        return d;
    }

    public boolean getBoolean(String key, boolean fallback) {
        String v = getString(key, null);
        if (v == null) {
            return fallback;
        }
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw error(key, "must be true or false, got '" + v + "'");
    }

    /** Fails on any option that no read asked for. Call after reading all options. */
    public void requireAllUsed() {
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                String knownList = known.isEmpty() ? "it takes no options" : "known options: " + String.join(", ", known);
                String near = Registry.closest(k, known);
                throw new SinapseException(where + ": unknown option '" + k + "'"
                        + (near != null ? " (did you mean '" + near + "'?)" : "") + "; " + knownList);
            }
        }
    }

    public SinapseException error(String key, String what) {
        return new SinapseException(where + ": option '" + key + "' " + what);
    }
}
