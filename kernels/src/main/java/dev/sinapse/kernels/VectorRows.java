package dev.sinapse.kernels;

import dev.sinapse.api.Dataset;

/**
 * A mini-batch's rows as floats, for "layers-vector": x = (pixel &amp; 0xFF)·scale, as {@link Dataset#batchInto}
 * computes it, eight pixels a vector. HotSpot does not vectorise the byte→float conversion of the dataset's own
 * loop, which took 41–60 µs a step of wide-dropout (batch 64 on Fashion-MNIST) on one thread, and 80 split over two.
 * The dataset copies the rows' bytes ({@link Dataset#bytesInto}), and {@link VectorBlocks#floats} converts them.
 * Loaded only where the Vector API runs.
 */
final class VectorRows implements LayerByLayerKernel.Gather {
    private static final int LANES = 8;

    /** The batch's bytes, kept for the next batch. */
    private byte[] bytes = new byte[0];

    @Override
    public void gather(Dataset train, int[] order, int from, int to, float scale, float[] out, int offset) {
        int m = to - from, n = train.features();
        if (bytes.length < m * n) {
            bytes = new byte[m * n];
        }
        byte[] px = bytes;
        train.bytesInto(order, from, to, px, 0);
        int whole = n - n % LANES;
        for (int r = 0; r < m; r++) {
            int src = r * n, dst = offset + r * n;
            VectorBlocks.floats(px, src, out, dst, whole, scale);
            for (int j = whole; j < n; j++) {
                out[dst + j] = (px[src + j] & 0xFF) * scale;
            }
        }
    }
}
