package dev.sinapse.io.config;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON that {@code inspect --json} and {@code evaluate --json} print. A value is a {@link Map} (an object, keys in
 * insertion order), a {@link List}, a {@link String}, a {@link Boolean}, null, or a number: {@link Integer},
 * {@link Long} and {@link BigInteger} print as JSON integers ({@code 480}, never {@code 480.0}), {@link Float} and
 * {@link Double} as decimals. JSON has no NaN or infinity; those print as the strings {@code "NaN"},
 * {@code "Infinity"} and {@code "-Infinity"}, as protobuf's JSON mapping spells them.
 *
 * <p>(protobuf's own {@code JsonFormat} prints every number of a {@code Struct} as a double and 64-bit integers of
 * a message as strings, which is why this exists.)
 */
public final class Json {
    private static final String INDENT = "  ";

    private Json() {
    }

    /** {@code value} as pretty-printed JSON text, without a final newline. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "");
        return out.toString();
    }

    /** An object of the given key, value pairs, in order: {@code object("step", 480L, "finished", true)}. */
    public static Map<String, Object> object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs");
        }
        Map<String, Object> o = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            o.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return o;
    }

    /**
     * A message as a JSON object with the proto field names: the schema of a JSON config file, so an experiment
     * printed this way reads back as the same experiment. Only fields that are set appear (as in text format);
     * maps with string keys are objects; 64-bit and unsigned integers are integers.
     */
    public static Map<String, Object> of(Message m) {
        Map<String, Object> o = new LinkedHashMap<>();
        for (Map.Entry<FieldDescriptor, Object> f : m.getAllFields().entrySet()) {
            FieldDescriptor d = f.getKey();
            if (d.isMapField()) {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Object entry : (List<?>) f.getValue()) {
                    Message e = (Message) entry;
                    FieldDescriptor key = e.getDescriptorForType().findFieldByNumber(1);
                    FieldDescriptor val = e.getDescriptorForType().findFieldByNumber(2);
                    map.put(String.valueOf(scalar(key, e.getField(key))), scalar(val, e.getField(val)));
                }
                o.put(d.getName(), map);
            } else if (d.isRepeated()) {
                List<Object> list = new ArrayList<>();
                for (Object v : (List<?>) f.getValue()) {
                    list.add(scalar(d, v));
                }
                o.put(d.getName(), list);
            } else {
                o.put(d.getName(), scalar(d, f.getValue()));
            }
        }
        return o;
    }

    private static Object scalar(FieldDescriptor d, Object v) {
        return switch (d.getType()) {
            case MESSAGE, GROUP -> of((Message) v);
            case ENUM -> ((EnumValueDescriptor) v).getName();
            case BYTES -> Base64.getEncoder().encodeToString(((ByteString) v).toByteArray());
            case UINT32, FIXED32 -> Integer.toUnsignedLong((Integer) v);
            case UINT64, FIXED64 -> new BigInteger(Long.toUnsignedString((Long) v));
            default -> v;   // Integer, Long, Float, Double, Boolean, String
        };
    }

    private static void write(Object v, StringBuilder out, String indent) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof String s) {
            string(s, out);
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof BigInteger
                || v instanceof Short || v instanceof Byte) {
            out.append(v);
        } else if (v instanceof Float f) {
            decimal(f.isNaN() || f.isInfinite(), Float.toString(f), out);
        } else if (v instanceof Double d) {
            decimal(d.isNaN() || d.isInfinite(), Double.toString(d), out);
        } else if (v instanceof Map<?, ?> map) {
            object(map, out, indent);
        } else if (v instanceof List<?> list) {
            array(list, out, indent);
        } else if (v instanceof Message m) {
            object(of(m), out, indent);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }

    /** Java's shortest round-trip text ("0.1", "1.0E-5") is a valid JSON number; NaN and infinities are not. */
    private static void decimal(boolean nonFinite, String text, StringBuilder out) {
        if (nonFinite) {
            string(text, out);
        } else {
            out.append(text);
        }
    }

    private static void object(Map<?, ?> map, StringBuilder out, String indent) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        String inner = indent + INDENT;
        out.append("{\n");
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!first) {
                out.append(",\n");
            }
            first = false;
            out.append(inner);
            string(String.valueOf(e.getKey()), out);
            out.append(": ");
            write(e.getValue(), out, inner);
        }
        out.append('\n').append(indent).append('}');
    }

    /** A list of numbers or strings stays on one line (a shape, a row of the confusion matrix); others get a line each. */
    private static void array(List<?> list, StringBuilder out, String indent) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        boolean flat = list.stream().noneMatch(x -> x instanceof Map || x instanceof List || x instanceof Message);
        String inner = indent + INDENT;
        out.append(flat ? "[" : "[\n");
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out.append(flat ? ", " : ",\n");
            }
            if (!flat) {
                out.append(inner);
            }
            write(list.get(i), out, inner);
        }
        out.append(flat ? "]" : "\n" + indent + "]");
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
