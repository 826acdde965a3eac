package dev.sinapse.layers;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.SameSize.Id;

/**
 * flatten: a {@link Reshape} to one flat width. Our batches are already flat (one row per sample, an image's channels
 * one after the other), so no value moves: the layer only declares its output flat, as configs written in the Keras
 * habit (conv, pool, flatten, dense) expect.
 */
final class Flatten {
    private Flatten() {
    }

    /** No options. */
    static final class Factory implements LayerFactory {
        @Override
        public Layer create(LayerContext ctx) {
            return new Reshape(new Id(ctx.name(), ctx.inputSize()), "flatten");
        }

        @Override
        public String help() {
            return "declares the (already flat) sample rows flat, e.g. after a pooling layer; no value moves; no options";
        }
    }
}
