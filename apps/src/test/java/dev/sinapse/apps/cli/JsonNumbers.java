package dev.sinapse.apps.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The number tokens of a JSON text as written, by the key they sit under (array items under their array's key). */
final class JsonNumbers {
    private JsonNumbers() {
    }

    /** Parses {@code text} with Gson, an independent JSON library, which keeps each number's token as written. */
    static Map<String, List<String>> byKey(String text) {
        Map<String, List<String>> tokens = new LinkedHashMap<>();
        walk(JsonParser.parseString(text), "", tokens);
        return tokens;
    }

    private static void walk(JsonElement e, String key, Map<String, List<String>> tokens) {
        if (e.isJsonObject()) {
            e.getAsJsonObject().entrySet().forEach(f -> walk(f.getValue(), f.getKey(), tokens));
        } else if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(x -> walk(x, key, tokens));
        } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            tokens.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getAsNumber().toString());
        }
    }
}
