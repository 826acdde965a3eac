package dev.sinapse.layers;

import dev.sinapse.api.Affine;
import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Network;
import dev.sinapse.api.Options;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Registry;
import dev.sinapse.api.Rng;
import dev.sinapse.api.Shapes;
import dev.sinapse.api.SinapseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns layer entries into a {@link Network} through the registries; initial values come from {@code rng} in layer order.
 *
 * <p>An affine layer (such as {@code dense}) may take an {@code activation} option, Keras' habit: the entry then
 * becomes two layers, the affine one under the entry's name and the activation after it under
 * {@code "<name>.<activation key>"} ("hidden.relu"). That is the same network as writing the two entries, with the
 * same parameter names ("hidden.W", "hidden.b"; an activation has none) and the same initial values, so the fused
 * kernels recognise it as they do the two entries.
 */
public final class NetworkBuilder {
    private final Registries registries;

    public NetworkBuilder(Registries registries) {
        this.registries = registries;
    }

    public Network build(int inputSize, List<LayerSpec> specs, Rng rng) {
        if (inputSize <= 0) {
            throw new SinapseException("network.input_size must be a positive integer, got " + inputSize);
        }
        return build(new int[] {inputSize}, specs, rng);
    }

    /**
     * The network on samples of {@code inputShape} ({features}, or {channels, height, width}). Each layer's context
     * carries the shape the layer before gives, so image layers know their sizes here, before any data.
     */
    public Network build(int[] inputShape, List<LayerSpec> specs, Rng rng) {
        if (inputShape.length == 0 || Shapes.size(inputShape) <= 0) {
            throw new SinapseException("network.input_shape must be positive dimensions of at most 2^31 values in all, got "
                    + Shapes.format(inputShape));
        }
        if (specs.isEmpty()) {
            throw new SinapseException("network has no layers; add at least one 'layers { type: ... }' entry");
        }
        List<Layer> layers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int[] shape = inputShape.clone();
        int size = Shapes.size(shape);
        for (int i = 0; i < specs.size(); i++) {
            LayerSpec s = specs.get(i);
            String type = s.type() == null ? "" : s.type().trim();
            String name = s.name() == null || s.name().isBlank() ? type + (i + 1) : s.name().trim();
            String where = "network.layers[" + i + "]";
            if (type.isEmpty()) {
                throw new SinapseException(where + ": 'type' is required");
            }
            if (!names.add(name)) {
                throw new SinapseException(where + ": layer name '" + name + "' is used twice");
            }
            Options options = new Options("layer '" + name + "' (" + type + ")", s.options());
            Layer layer;
            Layer activation = null;
            if (registries.layers().find(type).isPresent()) {
                // read only when written, so that the known options listed for a layer without it stay its own
                String act = options.asMap().containsKey(ACTIVATION) ? options.getString(ACTIVATION, null) : null;
                layer = registries.layers().entries().get(type)
                        .create(new LayerContext(name, shape, options, rng, registries.initializers()));
                if (act != null) {
                    activation = activationAfter(layer, act, options, where);
                }
            } else if (registries.activations().find(type).isPresent()) {
                layer = new ActivationLayer(name, shape, registries.activations().entries().get(type).create(options));
            } else {
                Set<String> known = new TreeSet<>(registries.layers().entries().keySet());
                known.addAll(registries.activations().entries().keySet());
                throw Registry.unknown("layer or activation", type, where + ".type", known, registries.layers().hint());
            }
            options.requireAllUsed();
            if (layer.inputSize() != size) {
                throw new SinapseException("layer '" + name + "' (" + type + "): takes " + layer.inputSize()
                        + " inputs, but the layer before gives " + size);
            }
            size = layer.outputSize();
            if (size <= 0) {
                throw new SinapseException("layer '" + name + "' (" + type + "): output size must be positive, got " + size);
            }
            shape = layer.outputShape();
            if (Shapes.size(shape) != size) {
                throw new SinapseException("layer '" + name + "' (" + type + "): output shape " + Shapes.format(shape)
                        + " does not hold its " + size + " outputs");
            }
            layers.add(layer);
            if (activation != null) {
                if (!names.add(activation.name())) {
                    throw new SinapseException(where + ": layer name '" + activation.name() + "' (the activation of '"
                            + name + "') is used twice");
                }
                layers.add(activation);
            }
        }
        return new Network(inputShape, layers);
    }

    /** The layer option that appends an activation layer to an affine layer. */
    public static final String ACTIVATION = "activation";

    /** The activation layer an affine {@code layer}'s {@code activation} option asks for, named "<layer>.<key>". */
    private ActivationLayer activationAfter(Layer layer, String key, Options options, String where) {
        if (!(layer instanceof Affine)) {
            throw options.error(ACTIVATION, "is for affine layers such as dense; add the activation as a layer of its own");
        }
        if (registries.activations().find(key).isEmpty()) {
            throw Registry.unknown("activation", key, where + ".options." + ACTIVATION, registries.activations().entries().keySet(),
                    registries.activations().hint());
        }
        // the activation's own options cannot be written here: an activation that needs them is a layer entry of its own
        Options none = Options.empty("activation '" + key + "' of layer '" + layer.name() + "'");
        return new ActivationLayer(layer.name() + "." + key, layer.outputShape(),
                registries.activations().entries().get(key).create(none));
    }
}
