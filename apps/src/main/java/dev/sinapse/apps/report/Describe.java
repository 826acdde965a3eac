package dev.sinapse.apps.report;

import dev.sinapse.api.Layer;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.Shapes;
import dev.sinapse.io.proto.LayerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

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

    /** One layer of a network as the tables show it. */
    public record LayerRow(String name, String type, int[] shape, long params, long flops) {
    }

    /**
     * Each built layer with its config type: an entry's layer by the builder's name rule (the entry's name, or type +
     * position), an activation an affine layer's {@code activation} option adds ("hidden.relu") by its key.
     */
    public static List<LayerRow> rows(Network net, List<LayerConfig> entries) {
        Map<String, String> types = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            LayerConfig l = entries.get(i);
            String type = l.getType().trim();
            types.put(l.getName().isBlank() ? type + (i + 1) : l.getName().trim(), type);
        }
        List<LayerRow> rows = new ArrayList<>();
        for (Layer layer : net.layers()) {
            long params = 0;
            for (Param p : layer.params()) {
                params += p.value().size();
            }
            String name = layer.name();
            String type = types.getOrDefault(name, name.substring(name.lastIndexOf('.') + 1));
            rows.add(new LayerRow(name, type, layer.outputShape(), params, layer.forwardFlopsPerSample()));
        }
        return rows;
    }

    /** The layers as a table: name, type, output shape, parameters, forward FLOPs per sample, and the totals. */
    public static List<String> table(Network net, List<LayerConfig> entries) {
        List<LayerRow> rows = rows(net, entries);
        int wn = "layer".length(), wt = "type".length(), ws = Math.max("output".length(), Shapes.format(net.inputShape()).length());
        for (LayerRow r : rows) {
            wn = Math.max(wn, r.name().length());
            wt = Math.max(wt, r.type().length());
            ws = Math.max(ws, Shapes.format(r.shape()).length());
        }
        String fmt = "%-" + wn + "s  %-" + wt + "s  %-" + ws + "s  %,12d  %,14d";
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-" + wn + "s  %-" + wt + "s  %-" + ws + "s  %12s  %14s", "layer", "type", "output",
                "params", "FLOPs/sample"));
        lines.add(String.format(Locale.ROOT, "%-" + wn + "s  %-" + wt + "s  %s", "input", "", Shapes.format(net.inputShape())));
        long params = 0, flops = 0;
        for (LayerRow r : rows) {
            lines.add(String.format(Locale.ROOT, fmt, r.name(), r.type(), Shapes.format(r.shape()), r.params(), r.flops()));
            params += r.params();
            flops += r.flops();
        }
        lines.add(String.format(Locale.ROOT, fmt, "total", "", "", params, flops));
        return lines;
    }
}
