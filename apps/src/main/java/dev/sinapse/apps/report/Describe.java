package dev.sinapse.apps.report;

import dev.sinapse.api.Layer;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;

/** Short human descriptions of a network. */
public final class Describe {
    private Describe() {
    }

    public static String network(Network n) {
        StringBuilder sb = new StringBuilder().append(n.inputSize());
        for (Layer l : n.layers()) {
            sb.append(" → ").append(l.name());
            if (l.outputSize() != l.inputSize() || !l.params().isEmpty()) {
                sb.append('(').append(l.outputSize()).append(')');
            }
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
}
