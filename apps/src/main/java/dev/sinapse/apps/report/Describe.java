package dev.sinapse.apps.report;

import dev.sinapse.api.Layer;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Short human descriptions of a network. */
public final class Describe {
    private Describe() {
    }

    /** "1x28x28 → conv1(6x28x28) → relu1 → …": a layer's output shape where it changes or the layer has parameters. */
    public static String network(Network n) {
        StringBuilder sb = new StringBuilder().append(Shapes.format(n.inputShape()));
        int[] before = n.inputShape();
        for (Layer l : n.layers()) {
            sb.append(" → ").append(l.name());
            int[] shape = l.outputShape();
            if (!Arrays.equals(shape, before) || !l.params().isEmpty()) {
                sb.append('(').append(Shapes.format(shape)).append(')');
            }
            before = shape;
        }
        return sb.toString();
    }

    public static long parameterCount(Network n) {
        long c = 0;
        for (Param p : n.params()) {
            c += p.value().size();
        }
        return c;
    }

    /**
     * One line per layer: name, type, output shape, parameters and forward FLOPs per sample, after a line for the
     * input. {@code types} are the config's layer types, in order.
     */
    public static List<String> table(Network n, List<String> types) {
        List<String> lines = new ArrayList<>();
        int w = Math.max(5, n.layers().stream().mapToInt(l -> l.name().length()).max().orElse(0));
        int tw = Math.max(4, types.stream().mapToInt(String::length).max().orElse(0));
        String row = "%-" + w + "s  %-" + tw + "s  %-12s %,10d %,12d";
        lines.add(String.format(Locale.ROOT, "%-" + w + "s  %-" + tw + "s  %-12s %10s %12s", "layer", "type", "output", "params", "flops"));
        lines.add(String.format(Locale.ROOT, "%-" + w + "s  %-" + tw + "s  %s", "input", "", Shapes.format(n.inputShape())));
        long params = 0, flops = 0;
        for (int i = 0; i < n.layers().size(); i++) {
            Layer l = n.layers().get(i);
            long p = l.params().stream().mapToLong(x -> x.value().size()).sum();
            lines.add(String.format(Locale.ROOT, row, l.name(), i < types.size() ? types.get(i) : "", Shapes.format(l.outputShape()),
                    p, l.forwardFlopsPerSample()));
            params += p;
            flops += l.forwardFlopsPerSample();
        }
        lines.add(String.format(Locale.ROOT, row, "total", "", "", params, flops));
        return lines;
    }
}
