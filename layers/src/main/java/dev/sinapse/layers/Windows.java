package dev.sinapse.layers;

import dev.sinapse.api.LayerContext;
import dev.sinapse.api.Options;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.Shapes;

/**
 * Square windows of side {@code size} slid with {@code stride} over a channels × height × width image padded with
 * {@code pad} zeros on every side: what a convolution and a pooling layer share. Output side:
 * OH = ⌊(H + 2·pad − size)/stride⌋ + 1, as PyTorch and Keras count it (a last partial window is dropped).
 */
record Windows(int channels, int height, int width, int size, int stride, int pad) {

    int outHeight() {
        return (height + 2 * pad - size) / stride + 1;
    }

    int outWidth() {
        return (width + 2 * pad - size) / stride + 1;
    }

    /** Values of one sample's input image. */
    int inSize() {
        return channels * height * width;
    }

    /** Output positions per channel. */
    int outPlane() {
        return outHeight() * outWidth();
    }

    /**
     * The output columns ox whose window column {@code k} (0 ≤ k < size) falls inside the image,
     * ox·stride + k − pad in [0, extent), are [first, end), with 0 ≤ first ≤ end ≤ out. The same for rows.
     */
    static int first(int k, int stride, int pad, int extent, int out) {
        int need = pad - k; // ox·stride ≥ pad − k
        return Math.min(out, need <= 0 ? 0 : (need + stride - 1) / stride);
    }

    static int end(int k, int stride, int pad, int extent, int out) {
        int last = extent - 1 + pad - k; // ox·stride ≤ extent − 1 + pad − k
        return Math.max(first(k, stride, pad, extent, out), last < 0 ? 0 : Math.min(out, last / stride + 1));
    }

    /** The input shape of an image layer, or a message that says how to give one. */
    static int[] image(LayerContext ctx) {
        int[] shape = ctx.inputShape();
        if (!Shapes.isImage(shape)) {
            throw new SinapseException(ctx.options().where() + ": needs an image input (channels x height x width), but the"
                    + " layer before gives " + Shapes.format(shape) + " flat features; set network.input_shape (e.g. [1, 28, 28])"
                    + " or put a reshape layer before it");
        }
        return shape;
    }

    /** Windows of option {@code sizeKey}'s side on the context's image; fails naming the option when none fits. */
    static Windows of(LayerContext ctx, int[] image, int size, int stride, int pad, String sizeKey) {
        Windows w = new Windows(image[0], image[1], image[2], size, stride, pad);
        if (image[1] + 2 * pad < size || image[2] + 2 * pad < size) {
            throw ctx.options().error(sizeKey, "is " + size + ", larger than the " + (pad > 0 ? "padded " : "") + "input "
                    + (image[1] + 2 * pad) + "x" + (image[2] + 2 * pad));
        }
        return w;
    }

    /** A positive integer option, at most {@code max} (sizes and strides beyond the image make no sense). */
    static int positive(Options options, String key, int fallback, int max) {
        int v = options.getPositiveInt(key, fallback);
        if (v > max) {
            throw options.error(key, "must be at most " + max + ", got " + v);
        }
        return v;
    }
}
