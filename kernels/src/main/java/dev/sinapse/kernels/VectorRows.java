package dev.sinapse.kernels;

import dev.sinapse.api.Dataset;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A mini-batch's rows as floats, for "layers-vector": x = (pixel &amp; 0xFF)·scale, as {@link Dataset#batchInto}
 * computes it, eight pixels a vector. HotSpot does not vectorise the byte→float conversion of the dataset's own
 * loop, which took 41–60 µs a step of wide-dropout (batch 64 on Fashion-MNIST) on one thread, and 80 split over two.
 * The dataset copies the rows' bytes ({@link Dataset#bytesInto}), and they are converted here. Loaded only where the
 * Vector API runs.
 */
final class VectorRows implements LayerByLayerKernel.Gather {
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final int LANES = 8;

    /** The batch's bytes, kept for the next batch. */
    private byte[] bytes = new byte[0];

    @Override
    public boolean handles(Dataset train) {
        return train.bytes();
    }

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
            for (int j = 0; j < whole; j += LANES) {
                IntVector b = (IntVector) ByteVector.fromArray(B, px, src + j).convertShape(VectorOperators.B2I, I, 0);
                FloatVector f = (FloatVector) b.and(0xFF).convertShape(VectorOperators.I2F, F, 0);
                f.mul(scale).intoArray(out, dst + j);
            }
            for (int j = whole; j < n; j++) {
                out[dst + j] = (px[src + j] & 0xFF) * scale;
            }
        }
    }
}
