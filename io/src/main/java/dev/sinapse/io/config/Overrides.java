package dev.sinapse.io.config;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.proto.Experiment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Command-line changes to an experiment, {@code --set a.b.c=value}, applied through the schema's descriptors so
 * every scalar field of config.proto can be set without code per field:
 * <pre>
 * training.epochs=50                            a scalar, parsed by its field type
 * network.layers[0].options.units=32            an element of a repeated message by index ...
 * network.layers[hidden].options.units=32       ... or by its name (unnamed layers answer to type + position)
 * optimizer.options.beta1=0.95                  an entry of a map, by key (the rest of the path is the key)
 * </pre>
 */
public final class Overrides {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private Overrides() {
    }

    /** {@code e} with each assignment applied in order (a later one wins). */
    public static Experiment apply(Experiment e, List<String> assignments) {
        Experiment.Builder b = e.toBuilder();
        for (String assignment : assignments) {
            new Assignment(assignment).applyTo(b);
        }
        return b.build();
    }

    /**
     * The dotted paths of the fields whose values differ, depth first in field order:
     * {@code training.epochs}, {@code network.layers[1].options.units}, or {@code network.layers} when the
     * number of layers differs. A field with presence counts as different when set in one and not the other,
     * so compare experiments after {@link ConfigFiles#withDefaults} when an unset default should equal its value.
     */
    public static List<String> changedPaths(Experiment before, Experiment after) {
        List<String> changed = new ArrayList<>();
        diff(before, after, "", changed);
        return changed;
    }

    private static void diff(Message a, Message b, String prefix, List<String> changed) {
        for (FieldDescriptor f : a.getDescriptorForType().getFields()) {
            String path = prefix + f.getName();
            if (f.isMapField()) {
                Map<Object, Object> x = entries(a, f);
                Map<Object, Object> y = entries(b, f);
                TreeMap<String, Object> keys = new TreeMap<>();
                x.keySet().forEach(k -> keys.put(String.valueOf(k), k));
                y.keySet().forEach(k -> keys.put(String.valueOf(k), k));
                for (Map.Entry<String, Object> k : keys.entrySet()) {
                    if (!Objects.equals(x.get(k.getValue()), y.get(k.getValue()))) {
                        changed.add(path + "." + k.getKey());
                    }
                }
            } else if (f.isRepeated()) {
                int n = a.getRepeatedFieldCount(f);
                if (n != b.getRepeatedFieldCount(f)) {
                    changed.add(path);
                } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    for (int i = 0; i < n; i++) {
                        diff((Message) a.getRepeatedField(f, i), (Message) b.getRepeatedField(f, i),
                                path + "[" + i + "].", changed);
                    }
                } else if (!a.getField(f).equals(b.getField(f))) {
                    changed.add(path);
                }
            } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                diff((Message) a.getField(f), (Message) b.getField(f), path + ".", changed);
            } else if (f.hasPresence() && a.hasField(f) != b.hasField(f) || !a.getField(f).equals(b.getField(f))) {
                changed.add(path);
            }
        }
    }

    private static Map<Object, Object> entries(Message m, FieldDescriptor mapField) {
        FieldDescriptor key = mapField.getMessageType().findFieldByName("key");
        FieldDescriptor value = mapField.getMessageType().findFieldByName("value");
        Map<Object, Object> entries = new TreeMap<>((p, q) -> String.valueOf(p).compareTo(String.valueOf(q)));
        for (int i = 0; i < m.getRepeatedFieldCount(mapField); i++) {
            Message entry = (Message) m.getRepeatedField(mapField, i);
            entries.put(entry.getField(key), entry.getField(value));
        }
        return entries;
    }

    /** One {@code path=value}, walked segment by segment through message builders. */
    private static final class Assignment {
        private final String text;
        private final String path;
        private final String value;

        Assignment(String text) {
            this.text = text;
            int eq = text.indexOf('=');
            if (eq <= 0) {
                throw new SinapseException("--set " + text + ": expected path=value, e.g. training.epochs=50");
            }
            this.path = text.substring(0, eq).trim();
            this.value = text.substring(eq + 1);
        }

        void applyTo(Message.Builder root) {
            Message.Builder b = root;
            String where = "the experiment";
            String rest = path;
            while (true) {
                int dot = rest.indexOf('.');
                String segment = dot < 0 ? rest : rest.substring(0, dot);
                rest = dot < 0 ? null : rest.substring(dot + 1);
                String name = segment;
                String selector = null;
                int open = segment.indexOf('[');
                if (open >= 0) {
                    if (!segment.endsWith("]")) {
                        throw error("'" + segment + "' is missing its closing ']'");
                    }
                    name = segment.substring(0, open);
                    selector = segment.substring(open + 1, segment.length() - 1);
                }
                if (name.isEmpty()) {
                    throw error("empty field name in '" + path + "'");
                }
                Descriptor type = b.getDescriptorForType();
                FieldDescriptor f = type.findFieldByName(name);
                if (f == null) {
                    throw error(Schema.unknownField(name, type, where));
                }
                String here = (where.equals("the experiment") ? "" : where + ".") + name;
                if (f.isMapField()) {
                    String key = selector != null ? selector + (rest == null ? "" : "." + rest) : rest;
                    if (key == null || key.isEmpty() || selector != null && rest != null) {
                        throw error("'" + here + "' is a map; set an entry with " + here + ".KEY=value");
                    }
                    putEntry(b, f, key);
                    return;
                }
                if (f.isRepeated()) {
                    if (selector == null) {
                        throw error("'" + here + "' is a list; pick an element with " + here + "[0] or "
                                + here + "[name]");
                    }
                    int i = element(b, f, selector, here);
                    here = here + "[" + selector + "]";
                    if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                        if (rest == null) {
                            throw error("'" + here + "' is a message, not a scalar");
                        }
                        b = b.getRepeatedFieldBuilder(f, i);
                        where = here;
                        continue;
                    }
                    if (rest != null) {
                        throw error("'" + here + "' is a scalar; it has no field '" + rest + "'");
                    }
                    b.setRepeatedField(f, i, parse(f, value));
                    return;
                }
                if (selector != null) {
                    throw error("'" + here + "' is not a list; it takes no [" + selector + "]");
                }
                if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    if (rest == null) {
                        throw error("'" + here + "' is a message, not a scalar");
                    }
                    b = b.getFieldBuilder(f);
                    where = here;
                    continue;
                }
                if (rest != null) {
                    throw error("'" + here + "' is a scalar; it has no field '" + rest + "'");
                }
                b.setField(f, parse(f, value));
                return;
            }
        }

        /** The index of the element {@code selector} names: a number, or the value of the element's name field. */
        private int element(Message.Builder b, FieldDescriptor f, String selector, String here) {
            int n = b.getRepeatedFieldCount(f);
            if (selector.matches("\\d+")) {
                int i;
                try {
                    i = Integer.parseInt(selector);
                } catch (NumberFormatException e) {
                    i = Integer.MAX_VALUE;
                }
                if (i >= n) {
                    throw error("index " + selector + " is out of range: " + here + " has " + n
                            + (n == 1 ? " element" : " elements"));
                }
                return i;
            }
            FieldDescriptor nameField = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    ? f.getMessageType().findFieldByName("name") : null;
            if (nameField == null || nameField.getType() != FieldDescriptor.Type.STRING) {
                throw error("expected an index in " + here + "[...], found '" + selector + "'");
            }
            FieldDescriptor typeField = f.getMessageType().findFieldByName("type");
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Message m = (Message) b.getRepeatedField(f, i);
                String name = ((String) m.getField(nameField)).trim();
                if (name.isEmpty() && typeField != null && typeField.getType() == FieldDescriptor.Type.STRING) {
                    // NetworkBuilder names an unnamed layer by its type and 1-based position ("dense1").
                    name = m.getField(typeField) + String.valueOf(i + 1);
                }
                if (name.equals(selector)) {
                    return i;
                }
                names.add(name);
            }
            throw error("no element named '" + selector + "' in " + here
                    + (names.isEmpty() ? " (it is empty)" : " (names: " + String.join(", ", names) + ")"));
        }

        /** Sets the map entry {@code key}: replaces the entry with that key, or adds one. */
        private void putEntry(Message.Builder b, FieldDescriptor f, String keyText) {
            Descriptor entryType = f.getMessageType();
            FieldDescriptor key = entryType.findFieldByName("key");
            FieldDescriptor val = entryType.findFieldByName("value");
            if (val.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                throw error("'" + f.getName() + "' holds messages; only scalar map values can be set");
            }
            Object k = parse(key, keyText);
            Message entry = b.newBuilderForField(f).setField(key, k).setField(val, parse(val, value)).build();
            for (int i = 0; i < b.getRepeatedFieldCount(f); i++) {
                if (((Message) b.getRepeatedField(f, i)).getField(key).equals(k)) {
                    b.setRepeatedField(f, i, entry);
                    return;
                }
            }
            b.addRepeatedField(f, entry);
        }

        /** {@code v} as a value of {@code f}'s type. */
        private Object parse(FieldDescriptor f, String v) {
            String t = v.trim();
            try {
                switch (f.getType()) {
                    case INT32: case SINT32: case SFIXED32:
                        return Integer.parseInt(t);
                    case INT64: case SINT64: case SFIXED64:
                        return Long.parseLong(t);
                    case UINT32: case FIXED32:
                        return Integer.parseUnsignedInt(t);
                    case UINT64: case FIXED64:
                        return Long.parseUnsignedLong(t);
                    case FLOAT: {
                        float x = (float) number(t);
                        if (Float.isInfinite(x)) {
                            throw error("expected a number in float range");
                        }
                        return x;
                    }
                    case DOUBLE:
                        return number(t);
                    case BOOL:
                        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                            return Boolean.parseBoolean(t);
                        }
                        throw error("expected true or false");
                    case STRING:
                        return v;
                    case BYTES:
                        return ByteString.copyFromUtf8(v);
                    case ENUM: {
                        EnumValueDescriptor e = f.getEnumType().findValueByName(t);
                        if (e == null) {
                            List<String> known = new ArrayList<>();
                            f.getEnumType().getValues().forEach(x -> known.add(x.getName()));
                            throw error("expected one of " + String.join(", ", known));
                        }
                        return e;
                    }
                    default:
                        throw error("'" + f.getName() + "' is a message, not a scalar");
                }
            } catch (NumberFormatException e) {
                FieldDescriptor.Type type = f.getType();
                boolean unsigned = type == FieldDescriptor.Type.UINT32 || type == FieldDescriptor.Type.UINT64
                        || type == FieldDescriptor.Type.FIXED32 || type == FieldDescriptor.Type.FIXED64;
                String expected = unsigned ? "a non-negative integer" : "an integer";
                if (t.matches("[+-]?\\d+") && !(unsigned && t.startsWith("-"))) {
                    expected += " that fits " + (f.getJavaType() == FieldDescriptor.JavaType.LONG ? 64 : 32) + " bits";
                }
                throw error("expected " + expected);
            }
        }

        private double number(String t) {
            if (!NUMBER.matcher(t).matches()) {
                throw error("expected a number");
            }
            return Double.parseDouble(t);
        }

        private SinapseException error(String what) {
            return new SinapseException("--set " + text + ": " + what);
        }
    }
}
