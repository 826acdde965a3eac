package dev.sinapse.apps.inference;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.State;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.io.proto.LayerConfig;
import dev.sinapse.io.proto.NamedState;
import dev.sinapse.io.proto.Tensor;
import dev.sinapse.layers.NetworkBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A checkpoint's trained network: built from its config, then its tensors and layer states copied in by name. */
public final class Models {
    private Models() {
    }

    /** The network of an experiment's config, its initial values drawn from {@code init}. */
    public static Network build(Experiment e, Registries registries, Rng init) {
        List<LayerSpec> specs = new ArrayList<>();
        for (LayerConfig l : e.getNetwork().getLayersList()) {
            specs.add(new LayerSpec(l.getType(), l.getName(), l.getOptionsMap()));
        }
        return new NetworkBuilder(registries).build(e.getNetwork().getInputSize(), specs, init);
    }

    /**
     * The trained network alone, for inference. The initialization draws are overwritten, so the generator's seed
     * does not matter. Fails with the file name when the tensors do not fit the network the config builds.
     */
    public static Network load(Checkpoint c, Path file, Registries registries) {
        Network net;
        try {
            net = build(c.getConfig(), registries, new Rng(0));
        } catch (SinapseException e) {
            throw new SinapseException(file + ": " + e.getMessage());
        }
        restore(net, c, file);
        return net;
    }

    /** Copies the parameters and layer states into {@code net} by name, checking count, names and shapes. */
    public static void restore(Network net, Checkpoint c, Path file) {
        Map<String, Tensor> byName = new HashMap<>();
        for (Tensor x : c.getParamsList()) {
            byName.put(x.getName(), x);
        }
        if (c.getParamsCount() != net.params().size()) {
            throw new SinapseException(file + ": holds " + c.getParamsCount() + " parameter tensors, but the network built from its config has " + net.params().size());
        }
        for (Param p : net.params()) {
            Tensor x = byName.get(p.name());
            if (x == null) {
                throw new SinapseException(file + ": has no tensor '" + p.name() + "' for the network in its config");
            }
            Matrix m = toMatrix(x, file);
            if (!m.sameShape(p.value())) {
                throw new SinapseException(file + ": tensor '" + p.name() + "' is " + m.shape() + ", but the network expects " + p.value().shape());
            }
            p.value().setTo(m);
        }
        Map<String, NamedState> layerStates = new HashMap<>();
        for (NamedState s : c.getLayerStatesList()) {
            layerStates.put(s.getOwner(), s);
        }
        for (Layer l : net.layers()) {
            NamedState s = layerStates.get(l.name());
            if (s != null) {
                State state = toState(s, file);
                try {
                    l.restore(state);
                } catch (SinapseException e) {
                    throw inFile(file, "layer '" + l.name() + "'", e);
                }
            } else if (!l.state().isEmpty()) {
                throw new SinapseException(file + ": has no saved state for layer '" + l.name() + "'");
            }
        }
    }

    /**
     * {@code e}, whose message names a part of a saved file but not the file ("saved state has no number 't'"), as
     * one that names both: "FILE: WHAT: message". A message that already names the file is kept as it is.
     */
    public static SinapseException inFile(Path file, String what, SinapseException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(file + ": ")) {
            return e;
        }
        return new SinapseException(file + ": " + what + ": " + e.getMessage(), e);
    }

    /** A tensor of the file as a matrix; a malformed one fails naming the file. */
    public static Matrix toMatrix(Tensor x, Path file) {
        try {
            return Tensors.toMatrix(x);
        } catch (SinapseException e) {
            throw new SinapseException(file + ": " + e.getMessage());
        }
    }

    /** A state of the file; a malformed one fails naming the file. */
    public static State toState(NamedState s, Path file) {
        try {
            return Tensors.toState(s);
        } catch (SinapseException e) {
            throw new SinapseException(file + ": " + e.getMessage());
        }
    }
}
