package dev.sinapse.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A registry key with options, written inline in a config as {@code name} or {@code name(key=value, ...)},
 * e.g. {@code uniform(low=-0.5, high=0.5)} or {@code he}.
 */
public record Spec(String type, Options options) {

    /** @param where names the field in messages, e.g. "layer 'hidden' (dense): option 'init'" */
    public static Spec parse(String text, String where) {
        String s = text.trim();
        int open = s.indexOf('(');
        if (open < 0) {
            requireName(s, text, where);
            return new Spec(s, Options.empty(where + " '" + s + "'"));
        }
        if (!s.endsWith(")")) {
            throw new SinapseException(where + ": expected name(key=value, ...), got '" + text + "' (missing ')')");
        }
        String type = s.substring(0, open).trim();
        requireName(type, text, where);
        String inner = s.substring(open + 1, s.length() - 1).trim();
        Map<String, String> values = new LinkedHashMap<>();
        if (!inner.isEmpty()) {
            for (String part : inner.split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new SinapseException(where + ": expected key=value inside '" + text + "', got '" + part.trim() + "'");
                }
                values.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return new Spec(type, new Options(where + " '" + type + "'", values));
    }

    private static void requireName(String name, String text, String where) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
            throw new SinapseException(where + ": expected a type name like 'he' or 'uniform(low=-0.5, high=0.5)', got '" + text + "'");
        }
    }
}
