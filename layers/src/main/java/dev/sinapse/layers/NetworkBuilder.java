package dev.sinapse.layers;

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

/** Turns layer entries into a {@link Network} through the registries; initial values come from {@code rng} in layer order. */
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
            if (registries.layers().find(type).isPresent()) {
                layer = registries.layers().entries().get(type)
                        .create(new LayerContext(name, shape, options, rng, registries.initializers()));
            } else if (registries.activations().find(type).isPresent()) {
                layer = new ActivationLayer(name, shape, registries.activations().entries().get(type).create(options));
            } else {
                Set<String> known = new TreeSet<>(registries.layers().entries().keySet());
                known.addAll(registries.activations().entries().keySet());
                throw Registry.unknown(type, where + ".type", known);
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
        }
        return new Network(inputShape, layers);
    }
}
