package dev.sinapse.api;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Implementations of one kind ("layer", "optimizer") by short key, as the Guice modules contributed them. The kind
 * has a name for messages and a type, the interface every entry implements ({@code LayerFactory.class}), by which
 * {@link Registries} finds it.
 */
public final class Registry<T> {
    /** The end of an unknown-type message when the program that made the registry says nothing more precise. */
    public static final String PLUGIN_HINT = "a type from a plug-in needs the plug-in's jar on the plug-in path";

    private final String kind;
    private final Class<T> type;
    private final SortedMap<String, T> entries;
    private final String hint;

    public Registry(String kind, Class<T> type, Map<String, T> entries) {
        this(kind, type, entries, PLUGIN_HINT);
    }

    private Registry(String kind, Class<T> type, Map<String, T> entries, String hint) {
        this.kind = kind;
        this.type = type;
        this.entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
        this.hint = hint;
    }

    /** The same entries, with {@code hint} (where plug-ins come from, which were loaded) ending unknown-type messages. */
    public Registry<T> withHint(String hint) {
        return new Registry<>(kind, type, entries, hint);
    }

    public String hint() {
        return hint;
    }

    public String kind() {
        return kind;
    }

    public Class<T> type() {
        return type;
    }

    public SortedMap<String, T> entries() {
        return entries;
    }

    public Optional<T> find(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /**
     * The entry for {@code key}; otherwise an error naming the place, the kind and the key, the installed keys and the
     * closest one, and where plug-ins come from ({@link #hint()}).
     */
    public T get(String key, String where) {
        T t = entries.get(key);
        if (t == null) {
            throw unknown(kind, key, where, entries.keySet(), hint);
        }
        return t;
    }

    /** One line: {@code where: unknown KIND 'key' (did you mean 'k'?); installed: a, b, c; hint}. */
    public static SinapseException unknown(String kind, String key, String where, Collection<String> known, String hint) {
        String near = closest(key, known);
        return new SinapseException(where + ": unknown " + kind + " '" + key + "'"
                + (near != null ? " (did you mean '" + near + "'?)" : "")
                + "; installed: " + (known.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(known)))
                + "; " + hint);
    }

    /** The known key nearest to {@code key} by edit distance, if it is near enough to be a typo. */
    public static String closest(String key, Collection<String> known) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        String k0 = key.toLowerCase();
        for (String k : known) {
            String k1 = k.toLowerCase();
            // a dropped or added letter at the end ("unit" for "units") beats a changed one ("init")
            int d = 2 * distance(k0, k1) - (k1.startsWith(k0) || k0.startsWith(k1) ? 1 : 0);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best != null && (bestD + 1) / 2 <= Math.max(2, best.length() / 3) ? best : null;
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
