package dev.sinapse.layers;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Pass;
import dev.sinapse.api.SameSize;
import dev.sinapse.api.Shapes;

/**
 * A = X, dX = dA, with a new declared shape.   X, A: m × n.
 * A row is already laid out channel by channel, each channel row by row, so reading it as another shape of the same
 * size moves no value; only the shape the next layer sees changes (784 features → 1 × 28 × 28 for a convolution).
 */
final class Reshape implements SameSize {
    private final Id id;
    /** The config type, for error messages: "reshape", or "flatten" for a reshape to one flat width. */
    private final String type;

    Reshape(Id id, String type) {
        this.id = id;
        this.type = type;
    }

    @Override
    public Id id() {
        return id;
    }

    @Override
    public Matrix forward(Matrix X, Pass pass) {
        Inputs.requireWidth(this, type, X);
        return X;
    }

    @Override
    public Matrix backward(Matrix dA, Pass pass) {
        return pass.inputGradient() ? dA : null;
    }

    /** Option: shape (required): one number (flat) or channels,height,width, e.g. "1,28,28"; its product must be the input size. */
    static final class Factory implements LayerFactory {
        @Override
        public Layer create(LayerContext ctx) {
            Options options = ctx.options();
            String text = options.requireString("shape");
            String[] parts = text.split("[,x×]");
            int[] shape = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    shape[i] = Integer.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    shape[i] = 0;
                }
            }
            if (shape.length != 1 && shape.length != 3 || Shapes.size(shape) <= 0) {
                throw options.error("shape", "must be one positive number or three (channels,height,width) like '1,28,28',"
                        + " got '" + text + "'");
            }
            if (Shapes.size(shape) != ctx.inputSize()) {
                throw options.error("shape", "'" + text + "' holds " + Shapes.size(shape) + " values, but the layer before gives "
                        + Shapes.format(ctx.inputShape()) + " = " + ctx.inputSize());
            }
            return new Reshape(new Id(ctx.name(), ctx.inputSize(), shape), "reshape");
        }

        @Override
        public String help() {
            return "reads each row as another shape of the same size, no value moved; option: shape (required, e.g. 1,28,28 or 784)";
        }
    }
}
