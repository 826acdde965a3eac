package dev.sinapse.layers;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Pass;
import dev.sinapse.api.SameSize;

/**
 * A = X, dX = dA.   X, A: m × n.
 * Our batches are already flat (one row per sample, an image's channels one after the other), so no value moves:
 * the layer only declares its output flat, as configs written in the Keras habit (conv, pool, flatten, dense) expect.
 */
final class Flatten implements SameSize {
    private final Id id;

    Flatten(String name, int size) {
        this.id = new Id(name, size);
    }

    @Override
    public Id id() {
        return id;
    }

    @Override
    public Matrix forward(Matrix X, Pass pass) {
        Inputs.requireWidth(this, "flatten", X);
        return X;
    }

    @Override
    public Matrix backward(Matrix dA, Pass pass) {
        return pass.inputGradient() ? dA : null;
    }

    /** No options. */
    static final class Factory implements LayerFactory {
        @Override
        public Layer create(LayerContext ctx) {
            return new Flatten(ctx.name(), ctx.inputSize());
        }

        @Override
        public String help() {
            return "declares the (already flat) sample rows flat, e.g. after a pooling layer; no value moves; no options";
        }
    }
}
