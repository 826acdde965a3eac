package dev.sinapse.io.config;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.sinapse.api.Registry;
import dev.sinapse.io.proto.Experiment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Names in the experiment schema as a user writes them, for messages about unknown or misplaced fields. */
final class Schema {
    private Schema() {
    }

    /**
     * Where messages of {@code type} sit in an experiment, as a dotted path ("training.early_stopping"),
     * found by walking the schema from {@link Experiment}; "the experiment" for the root.
     */
    static String where(Descriptor type) {
        Deque<Descriptor> types = new ArrayDeque<>();
        Deque<String> paths = new ArrayDeque<>();
        types.add(Experiment.getDescriptor());
        paths.add("");
        while (!types.isEmpty()) {
            Descriptor t = types.poll();
            String path = paths.poll();
            if (t.equals(type)) {
                return path.isEmpty() ? "the experiment" : path;
            }
            for (FieldDescriptor f : t.getFields()) {
                if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isMapField()) {
                    types.add(f.getMessageType());
                    paths.add(path.isEmpty() ? f.getName() : path + "." + f.getName());
                }
            }
        }
        return type.getName();
    }

    /** "unknown field 'epoch' in training (did you mean 'epochs'?)", or the list of fields when none is close. */
    static String unknownField(String name, Descriptor type, String where) {
        List<String> names = new ArrayList<>();
        for (FieldDescriptor f : type.getFields()) {
            names.add(f.getName());
        }
        String near = Registry.closest(name, names);
        if (near == null) {
            // JSON also accepts lowerCamelCase; suggest the proto name for a near camel-case spelling.
            for (FieldDescriptor f : type.getFields()) {
                if (Registry.closest(name, List.of(f.getJsonName())) != null) {
                    near = f.getName();
                    break;
                }
            }
        }
        return "unknown field '" + name + "' in " + where
                + (near != null ? " (did you mean '" + near + "'?)" : "; its fields are " + String.join(", ", names));
    }
}
