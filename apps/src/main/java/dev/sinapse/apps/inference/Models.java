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
        List<Integer> shape = e.getNetwork().getInputShapeList();
        return shape.isEmpty()
                ? new NetworkBuilder(registries).build(e.getNetwork().getInputSize(), specs, init)
                : new NetworkBuilder(registries).build(shape.stream().mapToInt(Integer::intValue).toArray(), specs, init);
    }

    /**
     * The trained network alone, for inference. The initialization draws are overwritten, so the generator's seed
     * does not matter. Fails with the file name when the tensors do not fit the network the config builds.
     */
    public static Network load(Checkpoint c, Path file, Registries registries) {
        checkSizes(c.getConfig(), c.getParamsList(), file, registries);
        Network net;
        try {
            net = build(c.getConfig(), registries, new Rng(0));
        } catch (SinapseException e) {
            throw new SinapseException(file + ": " + e.getMessage());
        }
        restore(net, c, file);
        return net;
    }

    /**
     * The sizes a stored config declares, compared with the stored tensors before anything is built or allocated:
     * each layer's {@code units} (dense's, the one size a built-in layer takes from an option) with the rows of its
     * tensor {@code <layer>.W}, and the size coming in (network.input_size, or the outputs of the layer before) with
     * its columns. A config claiming 2,000,000 units beside 10-unit tensors then fails here, with the message of
     * {@link #restore}, instead of building and initializing the network it describes first. The size is followed
     * through activations and through layers whose stored tensors are all 1 × size (batch norm); after any other layer
     * (a plug-in may change it) only the next weights' rows are compared. A plug-in layer with a {@code units} option
     * and tensors named otherwise must hold at least a value per unit. The full comparison, name by name, follows once
     * the network is built.
     */
    public static void checkSizes(Experiment e, List<Tensor> params, Path file, Registries registries) {
        Map<String, Tensor> byName = new HashMap<>();
        for (Tensor x : params) {
            byName.put(x.getName(), x);
        }
        long size = e.getNetwork().getInputSize();
        boolean known = true;   // whether size is what the layer before really gives
        for (int i = 0; i < e.getNetwork().getLayersCount(); i++) {
            LayerConfig l = e.getNetwork().getLayers(i);
            String type = l.getType().trim();
            String name = l.getName().isBlank() ? type + (i + 1) : l.getName().trim();   // as NetworkBuilder names it
            Integer units = declaredUnits(l);
            List<Tensor> own = params.stream().filter(x -> x.getName().startsWith(name + ".")).toList();
            Tensor W = byName.get(name + ".W");
            if (units != null && W == null && !own.isEmpty()) {
                // a plug-in's own "units", its tensors named otherwise: at least a value per unit, the rest once built
                long stored = own.stream().mapToLong(Tensor::getValuesCount).sum();
                if (stored < units) {
                    throw new SinapseException(file + ": layer '" + name + "' declares units: " + units + ", but its tensors hold "
                            + stored + " values");
                }
                known = false;
            } else if (units != null) {
                if (W == null) {
                    throw new SinapseException(file + ": has no tensor '" + name + ".W' for the network in its config");
                }
                long rows = Integer.toUnsignedLong(W.getRows()), cols = Integer.toUnsignedLong(W.getCols());
                if (rows != units || known && cols != size) {
                    throw new SinapseException(file + ": tensor '" + name + ".W' is " + rows + "x" + cols + ", but the network expects "
                            + (known ? units + "x" + size : units + " rows"));
                }
                size = units;
                known = true;
            } else {
                // activations keep the size, and so do layers whose tensors are all 1 x size (batch norm); others may not
                known = known && (registries.activations().find(type).isPresent() || !own.isEmpty() && allRowsOf(own, size));
            }
        }
    }

    private static boolean allRowsOf(List<Tensor> tensors, long size) {
        return tensors.stream().allMatch(x -> x.getRows() == 1 && Integer.toUnsignedLong(x.getCols()) == size);
    }

    /** A layer's {@code units} option when it is a positive integer; otherwise the layer's factory reports it. */
    private static Integer declaredUnits(LayerConfig l) {
        String v = l.getOptionsMap().get("units");
        try {
            int u = v == null ? 0 : Integer.parseInt(v.trim());
            return u > 0 ? u : null;
        } catch (NumberFormatException notANumber) {
            return null;
        }
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
