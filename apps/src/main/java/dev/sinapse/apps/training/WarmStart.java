package dev.sinapse.apps.training;

import dev.sinapse.api.Layer;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.State;
import dev.sinapse.apps.inference.Models;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.NamedState;
import dev.sinapse.io.proto.Provenance;
import dev.sinapse.io.proto.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code train --init-from CKPT}: a new run whose network starts from a checkpoint's parameters and layer states
 * (batch-norm running statistics) instead of its initializers. Only the weights come over: the optimizer state, the
 * position, the metric history and the random streams are the new run's own. Parameters are matched by name
 * ("hidden.W", so by layer name) and must all be there with the same shapes; every mismatch is one line of the
 * error.
 */
public final class WarmStart {
    private WarmStart() {
    }

    /** Copies {@code c}'s parameters and layer states into {@code net}, or fails listing every mismatch. */
    public static void apply(Network net, Checkpoint c, Path file) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Tensor x : c.getParamsList()) {
            tensors.put(x.getName(), x);
        }
        Map<String, NamedState> states = new LinkedHashMap<>();
        for (NamedState s : c.getLayerStatesList()) {
            states.put(s.getOwner(), s);
        }
        List<String> mismatches = new ArrayList<>();
        List<Runnable> copies = new ArrayList<>();
        for (Param p : net.params()) {
            Tensor x = tensors.remove(p.name());
            if (x == null) {
                mismatches.add(p.name() + ": not in the checkpoint (this network's is " + p.value().shape() + ")");
                continue;
            }
            Matrix m = Models.toMatrix(x, file);
            if (!m.sameShape(p.value())) {
                mismatches.add(p.name() + ": " + m.shape() + " in the checkpoint, " + p.value().shape() + " in this network");
            } else {
                copies.add(() -> p.value().setTo(m));
            }
        }
        for (Tensor x : tensors.values()) {
            mismatches.add(x.getName() + ": in the checkpoint (" + x.getRows() + "x" + x.getCols() + "), not in this network");
        }
        for (Layer l : net.layers()) {
            State mine = l.state();
            NamedState saved = states.remove(l.name());
            if (mine.isEmpty()) {
                if (saved != null) {
                    mismatches.add("layer '" + l.name() + "': has saved state in the checkpoint, none in this network");
                }
                continue;
            }
            if (saved == null) {
                mismatches.add("layer '" + l.name() + "': no saved state (running statistics) in the checkpoint");
                continue;
            }
            State theirs = Models.toState(saved, file);
            boolean fits = true;
            for (Map.Entry<String, Matrix> t : mine.tensors().entrySet()) {
                Matrix m = theirs.tensors().get(t.getKey());
                if (m == null || !m.sameShape(t.getValue())) {
                    mismatches.add(l.name() + "." + t.getKey() + ": " + (m == null ? "not in the checkpoint" : m.shape()
                            + " in the checkpoint, " + t.getValue().shape() + " in this network"));
                    fits = false;
                }
            }
            if (fits) {
                copies.add(() -> l.restore(theirs));
            }
        }
        for (String owner : states.keySet()) {
            mismatches.add("layer '" + owner + "': has saved state in the checkpoint, not in this network");
        }
        if (!mismatches.isEmpty()) {
            throw new SinapseException("--init-from " + file + " does not fit this network (matched by layer name), "
                    + mismatches.size() + (mismatches.size() == 1 ? " mismatch:" : " mismatches:")
                    + "\n  " + String.join("\n  ", mismatches));
        }
        copies.forEach(Runnable::run);
    }

    /** Provenance of a warm-started run: where its weights came from, as an absolute path, and their digest. */
    public static Provenance record(Provenance p, Checkpoint c, Path file) {
        return p.toBuilder().setInitFrom(file.toAbsolutePath().normalize().toString())
                .setInitFromParamsSha256(Tensors.paramsSha256(c.getParamsList())).build();
    }

    /** A resumed run's fresh provenance, still naming the checkpoint its weights first came from. */
    public static Provenance carry(Provenance fresh, Provenance before) {
        return fresh.toBuilder().setInitFrom(before.getInitFrom()).setInitFromParamsSha256(before.getInitFromParamsSha256()).build();
    }
}
