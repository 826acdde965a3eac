package dev.sinapse.api;

import java.util.Map;

/** One layer entry of a config: its registry key, its name (may be empty) and its options. */
public record LayerSpec(String type, String name, Map<String, String> options) {
}
