package dev.sinapse.kernels;

import dev.sinapse.api.Activation;
import dev.sinapse.api.Dataset;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The "fused-vector" kernel's blocks ({@link FusedMlpKernel} has the equations), written with the Vector API
 * ({@code jdk.incubator.vector}); loaded only when that module is present. Rows go through in blocks of up to
 * {@value #BLOCK}: each row's bytes (kept once per dataset, {@value FusedMlpKernel#K} a row, a quarter of float
 * rows' memory traffic) are converted to floats in an L2-resident buffer, which forward, tail and backward then
 * share. The big layer is register-blocked over all {@value FusedMlpKernel#K} features (W1 padded with zero rows to
 * a multiple of ten units, X with zero rows to whole groups of six):
 * <ul>
 * <li>forward: {@value #FR} rows × {@value #FU} units of lane accumulators, so each loaded W1 vector feeds six
 *     multiply-adds and each X vector two; the lanes are added once per row and unit at the end;
 * <li>backward: dW1[u..u+4, p..p+15] (ten accumulators) stays in registers while the block's rows go by, each
 *     row's two X vectors feeding five units;
 * <li>the tail is {@link BlockTail} with its three small products and e^x eight rows per vector ({@link VectorTail}).
 * </ul>
 *
 * <p>Measured on 2 AVX2 cores (Zen 3), 41,000 Fashion-MNIST rows, one thread: 28–30 ms per full-batch iteration;
 * per 1,000 rows, forward 244 µs (~76% of the measured FMA peak), backward 190 µs (near it), tail 100 µs,
 * conversion and the rest 110 µs. Dense loops beat skipping zero pixels here: lists of the non-zero eight-pixel steps
 * (tried per pair and per six rows, and per row in the backward pass) cost their indirect loads and saved little,
 * as six rows together leave few steps all zero. On JDK 17 a vector that crosses a {@code continue} or a
 * {@code while (m != 0)} loop is boxed (10× slower): keep the loops plain counted ones.
 *
 * <p>Determinism: lane sums are added in a fixed order with scalar adds (not {@code reduceLanes}, whose order is
 * unspecified), and lane-wise fma/add give the same bits compiled or interpreted, so 1 and 2 threads agree bitwise.
 */
final class VectorBlocks implements FusedMlpKernel.Blocks {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final int LANES = 8; // F.length(); a constant so the bit tricks below stay shifts
    private static final int K = FusedMlpKernel.K;
    /** Rows carried through forward, loss and backward together. */
    static final int BLOCK = 64;
    /**
     * Below this many rows a step runs on the caller, as one chunk: the second core's chunk of a mini-batch of 32
     * took 60% longer than the first (W1, updated by the caller, and its dW1 partial cross between the cores
     * every step), so two threads were no faster than one up to 64 rows and 1.6× faster at 128. The chunks
     * depend on the batch size alone, so the result does not depend on the thread count.
     */
    static final int PARALLEL_ROWS = 128;
    /** Hidden units per register group of the backward pass. */
    static final int G = 5;
    /** Rows × hidden units per register group of the forward pass: twelve accumulators. */
    static final int FR = 6;
    static final int FU = 2;
    /** Rows a block's buffers hold: {@value #BLOCK} rounded up to whole forward groups. */
    static final int ROWS = (BLOCK + FR - 1) / FR * FR;

    private final MlpShape net;
    private final Activation f;
    private final int n;
    private final int nSteps; // eight-feature steps covering n
    private final int h;
    private final int hp;     // h rounded up to a multiple of G and of FU
    private final int c;
    private final float[] W1p; // hp × K, zero past n and past h; refreshed each step unless W1 has that shape
    private float[] runW1;     // W1p, or W1 itself when it needs no padding
    /** Adds up one byte per cache line of the rows a block is about to read, so that the loads are not dropped. */
    private volatile int touched;
    /** A dataset with more than this share of zero pixels skips their steps (MNIST: 0.81, Fashion-MNIST: 0.50). */
    static final double SPARSE_SHARE = 0.65;
    /**
     * {@code -Dsinapse.sparse=on|off} forces the choice either way (tests, measurements). By strip the bits are the
     * dense path's; by pixel ({@link #COLUMN_ROWS}) the sums round otherwise.
     */
    static final String SPARSE_PROPERTY = "sinapse.sparse";
    /** Every row of a block, and where each starts in X: the dense backward pass's row lists. */
    private static final int[] ALL_ROWS = new int[BLOCK];
    private static final int[] ROW_STARTS = new int[BLOCK];

    static {
        for (int s = 0; s < BLOCK; s++) {
            ALL_ROWS[s] = s;
            ROW_STARTS[s] = s * K;
        }
    }

    /** Sixteen-pixel strips of a row: the backward pass's width. */
    private static final int STRIPS = K / (2 * LANES);
    // the training pixels, K bytes a row in the training order, and their labels, built once per dataset
    private Dataset rowsOf;
    private byte[] pixels;
    // or, for rows of floats (a table), their values times the scale they were made with, K a row
    private float[] values;
    private float floatScale;
    /**
     * For mostly blank data, the rows kept by their sixteen-pixel strips that are not all zero: row v's strips are
     * strips[rowStart[v] .. rowStart[v + 1]), ascending, and entry e's sixteen pixels are stripBytes[16e .. 16e + 16).
     * Null for dense data, whose rows are in pixels. About 0.5 KB a row on MNIST: a block converts its rows' strips to
     * floats ({@link Buffers#run}). Kept as floats (1.8 KB a row), a shuffled MNIST batch of 32 waited 8.9 µs a step
     * for its rows' cache lines; as bytes 3.5–3.8, and their conversion takes 4.0–4.2 (less memory, and the
     * forward pass then reads one contiguous buffer: 17–21 against 20.4 µs).
     */
    private short[] strips;
    private int[] rowStart;
    private byte[] stripBytes;
    /**
     * Or, for a large batch of rows in order (a full batch, see {@link #COLUMN_ROWS}), the rows by their non-zero
     * pixels (compressed sparse rows): row v's are nzPixel[nzStart[v] .. nzStart[v + 1]), ascending, their values
     * times the scale nzValue[…]; six bytes a pixel, about 0.9 KB a row on MNIST. Each chunk's rows are also kept by
     * column ({@link #columns}), as many bytes again.
     */
    private short[] nzPixel;
    private float[] nzValue;
    private int[] nzStart;
    private float sparseScale;
    /**
     * A batch of at least this many rows, in order, runs {@link Buffers#runChunk by column}: its forward pass
     * multiplies the non-zero pixels alone and dW1 sums each pixel's column. On MNIST 42k: 43.7 ms an iteration
     * against 55.3 by strips on one thread, 22.8 against 28.9 on two. Smaller or shuffled batches run by strips: the column lists would be built
     * every step, and W1's transposed copy costs as much as a small batch's forward pass.
     */
    static final int COLUMN_ROWS = 512;
    /** Whether the last preparation asked for pixel lists (the strips are kept instead when they would not fit). */
    private boolean sparseAsked;
    /**
     * Each chunk's rows by column, keyed by {@code firstRow << 32 | rows}: built by the first step that runs the
     * chunk, then reused by every later one.
     */
    private Map<Long, Columns> columns = new ConcurrentHashMap<>();
    /** Non-zero pixels that may still be kept by column: as many as the rows hold (one chunking of them). */
    private long columnBudget;

    /** A chunk's non-zero pixels by column: column p's rows (from the chunk's first) are row[start[p] .. start[p + 1]). */
    private record Columns(int[] start, short[] row, float[] value) {}

    /** Units per group of the by-pixel forward pass: two vectors of lanes. */
    private static final int SU = 2 * LANES;
    /**
     * W1ᵀ for the by-pixel forward pass, in groups of {@value #SU} units: W1T[(g·K + p)·16 + l] = W1[16g + l, p],
     * zero past h. A non-zero pixel then adds its value times one 64-byte row of W1T to its row's sixteen sums.
     */
    private final float[] W1T;
    private final int groups; // sixteen-unit groups covering h
    private float runScale;
    private int[] labels;

    VectorBlocks(MlpShape net) {
        this.net = net;
        this.f = net.f();
        this.n = net.n();
        this.nSteps = (n + LANES - 1) / LANES;
        this.h = net.h();
        this.hp = (h + G * FU - 1) / (G * FU) * (G * FU);
        this.c = net.c();
        this.W1p = new float[hp * K];
        this.groups = (h + SU - 1) / SU;
        this.W1T = new float[groups * K * SU];
    }

    /** Whether this CPU runs 256-bit float vectors natively (AVX2 or AVX-512 here; not SSE-only machines). */
    static boolean supported() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= F.vectorBitSize();
    }

    @Override
    public int block() {
        return BLOCK;
    }

    @Override
    public int units() {
        return hp;
    }

    @Override
    public int soloRows() {
        return PARALLEL_ROWS;
    }

    @Override
    public String note() {
        return " (Vector API, " + F.length() + " lanes)";
    }

    @Override
    public FusedMlpKernel.Block newBlock() {
        return new Buffers();
    }

    @Override
    public void prepare(Dataset train, float scale, int inOrder) {
        if (train.bytes()) {
            byteRows(train, scale, inOrder >= COLUMN_ROWS);
        } else {
            floatRows(train, scale);
        }
        runScale = scale;
        float[] w1 = net.W1().value().data();
        if (nzPixel != null) {
            for (int p = 0; p < n; p++) {
                for (int r = 0; r < h; r++) {
                    W1T[((r / SU) * K + p) * SU + r % SU] = w1[r * n + p];
                }
            }
        }
        if (n == K && h == hp) {
            runW1 = w1;
        } else {
            for (int r = 0; r < h; r++) {
                System.arraycopy(w1, r * n, W1p, r * K, n);
            }
            runW1 = W1p;
        }
    }

    /**
     * Copies the pixels once into rows of {@value FusedMlpKernel#K} bytes (a vector step never crosses a row). A
     * quarter of the memory of float rows: a full batch streams all of it every step.
     */
    private void byteRows(Dataset train, float scale, boolean pixelLists) {
        if (rowsOf == train && (pixels != null || (sparseScale == scale && sparseAsked == pixelLists))) {
            return;
        }
        int size = train.size();
        byte[] px = new byte[size * K];
        int[] ys = new int[size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < n; j++) {
                px[i * K + j] = (byte) train.pixel(i, j);
            }
            ys[i] = train.label(i);
        }
        pixels = px;
        values = null;
        labels = ys;
        rowsOf = train;
        sparseRows(train.size(), scale, pixelLists);
    }

    /**
     * Rows of floats (a table): their values as {@link Dataset#batch} gives them, times scale, in rows of
     * {@value FusedMlpKernel#K} floats, zero past n; a block then copies its rows instead of converting bytes.
     */
    private void floatRows(Dataset train, float scale) {
        if (rowsOf == train && floatScale == scale) {
            return;
        }
        int size = train.size();
        float[] xs = new float[size * K];
        int[] ys = new int[size];
        int[] natural = train.naturalOrder();
        for (int from = 0; from < size; from += 1024) {
            int to = Math.min(size, from + 1024);
            float[] x = train.batch(natural, from, to, scale).data();
            for (int i = from; i < to; i++) {
                System.arraycopy(x, (i - from) * n, xs, i * K, n);
                ys[i] = train.label(i);
            }
        }
        pixels = null;
        dropSparse();
        values = xs;
        floatScale = scale;
        labels = ys;
        rowsOf = train;
    }

    /** Forgets both sparse forms of the rows (and the columns kept from them). */
    private void dropSparse() {
        strips = null;
        rowStart = null;
        stripBytes = null;
        nzPixel = null;
        nzValue = null;
        nzStart = null;
        columns = new ConcurrentHashMap<>();
    }

    /**
     * The rows by their non-blank strips, or by their non-zero pixels, when zeros are the rule (else nothing: the
     * dense loops run).
     */
    private void sparseRows(int size, float scale, boolean pixelLists) {
        dropSparse();
        long zeros = 0;
        for (byte b : pixels) {
            if (b == 0) {
                zeros++;
            }
        }
        zeros -= (long) size * (K - n); // the padding is not data
        String asked = System.getProperty(SPARSE_PROPERTY, "auto");
        if (asked.equals("off") || (!asked.equals("on") && zeros <= SPARSE_SHARE * size * n)) {
            return;
        }
        sparseScale = scale;
        sparseAsked = pixelLists;
        long nonZero = (long) size * n - zeros;
        if (pixelLists && nonZero < Integer.MAX_VALUE - 8) {
            pixelRows(size, scale, (int) nonZero);
            return;
        }
        int[] start = new int[size + 1];
        short[] list = new short[size * STRIPS];
        int e = 0;
        for (int v = 0; v < size; v++) {
            start[v] = e;
            for (int t = 0, o = v * K; t < STRIPS; t++, o += 2 * LANES) {
                int any = 0;
                for (int j = 0; j < 2 * LANES; j++) {
                    any |= pixels[o + j];
                }
                if (any != 0) {
                    list[e++] = (short) t;
                }
            }
        }
        start[size] = e;
        byte[] bytes = new byte[e * 2 * LANES];
        for (int v = 0; v < size; v++) {
            for (int q = start[v]; q < start[v + 1]; q++) {
                System.arraycopy(pixels, v * K + list[q] * 2 * LANES, bytes, q * 2 * LANES, 2 * LANES);
            }
        }
        strips = Arrays.copyOf(list, e);
        rowStart = start;
        stripBytes = bytes;
        pixels = null; // the strips hold every non-zero pixel
    }

    /** The rows by their non-zero pixels. */
    private void pixelRows(int size, float scale, int nonZero) {
        int[] start = new int[size + 1];
        short[] at = new short[nonZero];
        float[] vals = new float[nonZero];
        int e = 0;
        for (int v = 0; v < size; v++) {
            start[v] = e;
            for (int j = 0, o = v * K; j < n; j++) {
                int b = pixels[o + j] & 0xFF;
                if (b != 0) {
                    at[e] = (short) j;
                    vals[e++] = b * scale; // as Dataset.batch computes it
                }
            }
        }
        start[size] = e;
        nzPixel = at;
        nzValue = vals;
        nzStart = start;
        columnBudget = nonZero;
        pixels = null; // the lists hold every non-zero pixel
    }

    /** The buffers of one block of S ≤ {@value #BLOCK} rows; the arrays of the tail are indexed by the row. */
    private final class Buffers implements FusedMlpKernel.Block {
        private final float[] X = new float[ROWS * K];        // the rows as floats, s·K + j: pixel × scale
        private final int[] y = new int[BLOCK];
        private final float[][] Z1 = new float[hp][ROWS];
        private final float[][] A1 = new float[h][ROWS];
        private final float[][] dZ1 = new float[hp][BLOCK];   // rows past h stay zero
        private final VectorTail tail = new VectorTail(h, c, BLOCK, f);
        private final float[] lanes = new float[FR * FU * LANES];
        private final float[] dZ1t = new float[BLOCK * hp];     // dZ1 row-major: s·hp + r

        // mostly blank data: the block's rows' strips as floats, row s's from X[16·blockStart[s]] on; the rows with
        // strip j are stripRows[j·BLOCK + i], i < stripCount[j], and stripEntries[…] where their sixteen values start
        // in X
        private final int[] blockStart = new int[BLOCK + 1];
        private final int[] stripRows = new int[STRIPS * BLOCK];
        private final int[] stripEntries = new int[STRIPS * BLOCK];
        private final int[] stripCount = new int[STRIPS];
        // a chunk run by column: its rows' dZ1 by sixteen-unit group, unit r of row i − from at
        // ((r / 16)·rows + i − from)·16 + r % 16, so that a row's units in a group are one 64-byte run
        private float[] chunkDz = new float[0];
        // the by-pixel forward pass's sums of a block, row s's sixteen units of a group at s·16
        private final float[] sums = new float[BLOCK * SU];

        /**
         * A full batch in order on mostly blank data: forward and tail block by block, each block's dZ1 kept for the
         * chunk, then dW1 once for the chunk, column by column ({@link #columnBackward}). Anything else: block by
         * block.
         */
        @Override
        public void runChunk(ChunkPartials out, int[] order, int from, int to, float invM, int rows) {
            Columns cols = nzPixel == null ? null : columnsOf(order, from, to);
            if (cols == null) {
                FusedMlpKernel.Block.super.runChunk(out, order, from, to, invM, rows);
                return;
            }
            int len = to - from;
            if (chunkDz.length < len * groups * SU) {
                chunkDz = new float[len * groups * SU];
            }
            for (int i = from; i < to; i += rows) {
                int S = Math.min(rows, to - i);
                for (int s = 0; s < S; s++) {
                    y[s] = labels[order[i + s]];
                }
                pixelForward(order, i, S);
                tail.run(net.W2().value().data(), net.b2().value().data(), Z1, A1, dZ1, y, S, invM, out);
                for (int r = 0; r < h; r++) {
                    float[] d = dZ1[r];
                    for (int s = 0, o = ((r / SU) * len + i - from) * SU + r % SU; s < S; s++, o += SU) {
                        chunkDz[o] = d[s];
                    }
                }
            }
            columnBackward(out, cols, len);
        }

        /**
         * dW1[r, p] += Σ_i dZ1[i][r]·X[i, p] over the chunk's rows i with a non-zero pixel p, sixteen units at a
         * time ({@link #weightedSum}): 13–15 ms per 42k MNIST rows on one thread, against 17.5 by strips.
         */
        private void columnBackward(ChunkPartials out, Columns cols, int rows) {
            float[] dz = chunkDz, t = lanes, val = cols.value();
            short[] row = cols.row();
            int[] start = cols.start();
            for (int g = 0; g < groups; g++) {
                for (int p = 0; p < n; p++) {
                    weightedSum(dz, g * rows * SU, row, val, start[p], start[p + 1], t, 0);
                    for (int l = 0, r = g * SU; l < SU && r < h; l++, r++) {
                        out.dW1[r][p] += t[l];
                    }
                }
            }
        }

        @Override
        public void run(ChunkPartials out, int[] order, int from, int S, float invM) {
            if (strips != null) {
                if (!ascendingRun(order, from, S)) {
                    // scattered rows (a shuffled mini-batch): ask for all their strips' cache lines first, so the
                    // misses overlap (as the dense path does with its bytes); without it, shuffled batches of 32 ran
                    // 14% slower here than the dense path
                    int sum = 0;
                    for (int s = 0; s < S; s++) {
                        int v = order[from + s];
                        // the row's strip numbers and label too: the lists below read them one row after another
                        sum += strips[rowStart[v]] + labels[v];
                        for (int q = rowStart[v] * 2 * LANES, end = rowStart[v + 1] * 2 * LANES; q < end; q += 64) {
                            sum += stripBytes[q];
                        }
                    }
                    touched = sum;
                }
                Arrays.fill(stripCount, 0);
                int local = 0;
                for (int s = 0; s < S; s++) {
                    int v = order[from + s];
                    y[s] = labels[v];
                    blockStart[s] = local;
                    for (int e = rowStart[v], end = rowStart[v + 1]; e < end; e++, local++) {
                        int at = strips[e] * BLOCK + stripCount[strips[e]]++;
                        stripRows[at] = s;
                        stripEntries[at] = local * 2 * LANES;
                    }
                }
                blockStart[S] = local;
                for (int s = 0; s < S; s++) {
                    int e0 = rowStart[order[from + s]];
                    stripFloats(e0 * 2 * LANES, blockStart[s] * 2 * LANES, (blockStart[s + 1] - blockStart[s]) * 2 * LANES);
                }
                sparseForward(order, from, S);
                tail.run(net.W2().value().data(), net.b2().value().data(), Z1, A1, dZ1, y, S, invM, out);
                sparseBackward(out, S);
                return;
            }
            float scale = runScale;
            if (values != null) {
                for (int s = 0; s < S; s++) {
                    int v = order[from + s];
                    System.arraycopy(values, v * K, X, s * K, K);
                    y[s] = labels[v];
                }
                finish(S, invM, out);
                return;
            }
            // shuffled mini-batches read rows all over the training set: asking for all of the block's cache lines
            // at once lets the misses overlap, where the conversion below would wait for them one row at a time. Rows
            // read in one ascending run (a full batch) are streamed by the hardware prefetcher already: reading them
            // twice cost 4.5% of a Fashion full-batch step (35.1 against 33.3 ms an iteration without)
            if (!ascendingRun(order, from, S)) {
                int sum = 0;
                for (int s = 0; s < S; s++) {
                    sum += labels[order[from + s]];
                    for (int o = order[from + s] * K, p = 0; p < K; p += 64) {
                        sum += pixels[o + p];
                    }
                }
                touched = sum;
            }
            float[] x = X;
            for (int s = 0; s < S; s++) {
                int v = order[from + s];
                floats(pixels, v * K, x, s * K, nSteps * LANES, scale);
                y[s] = labels[v];
            }
            finish(S, invM, out);
        }

        /** Forward, tail and backward of the block's S rows, once they are in X and y. */
        private void finish(int S, float invM, ChunkPartials out) {
            // the rows that fill the last forward group: zeros
            int padded = (S + FR - 1) / FR * FR;
            Arrays.fill(X, S * K, padded * K, 0f);
            forward(S);
            tail.run(net.W2().value().data(), net.b2().value().data(), Z1, A1, dZ1, y, S, invM, out);
            backward(out, S);
        }

        /**
         * X[at .. at + count) = stripBytes[from .. from + count) as floats: (pixel & 0xFF)·scale, as Dataset.batch
         * computes it. A method of its own: written inside the list loop above, lists and conversion together took
         * 17–27 µs for a batch of 32 rows, against 11 apart.
         */
        private void stripFloats(int from, int at, int count) {
            floats(stripBytes, from, X, at, count, sparseScale);
        }

        /**
         * {@link #forward} over a row's non-blank strips only, one row and {@value #G} × {@value #FU} units at a time.
         * Lane l of unit r is still the fma chain over the eight-pixel steps in ascending order; a blank strip's two
         * steps add exactly nothing to any lane (fma(w, 0, a) = a), so skipping them keeps the dense path's bits.
         */
        private void sparseForward(int[] order, int from, int S) {
            float[] w = runW1, x = X, t = lanes, bias1 = net.b1().value().data();
            for (int s = 0; s < S; s++) {
                int v = order[from + s], e0 = rowStart[v], e1 = rowStart[v + 1], local = blockStart[s] - e0;
                for (int g = 0; g < hp; g += G * FU) {
                    int o0 = g * K, o1 = o0 + K, o2 = o1 + K, o3 = o2 + K, o4 = o3 + K;
                    int o5 = o4 + K, o6 = o5 + K, o7 = o6 + K, o8 = o7 + K, o9 = o8 + K;
                    FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F);
                    FloatVector a3 = FloatVector.zero(F), a4 = FloatVector.zero(F), a5 = FloatVector.zero(F);
                    FloatVector a6 = FloatVector.zero(F), a7 = FloatVector.zero(F), a8 = FloatVector.zero(F);
                    FloatVector a9 = FloatVector.zero(F);
                    for (int e = e0; e < e1; e++) {
                        int p = strips[e] * 2 * LANES, xe = (local + e) * 2 * LANES;
                        FloatVector u = FloatVector.fromArray(F, x, xe);
                        a0 = FloatVector.fromArray(F, w, o0 + p).fma(u, a0);
                        a1 = FloatVector.fromArray(F, w, o1 + p).fma(u, a1);
                        a2 = FloatVector.fromArray(F, w, o2 + p).fma(u, a2);
                        a3 = FloatVector.fromArray(F, w, o3 + p).fma(u, a3);
                        a4 = FloatVector.fromArray(F, w, o4 + p).fma(u, a4);
                        a5 = FloatVector.fromArray(F, w, o5 + p).fma(u, a5);
                        a6 = FloatVector.fromArray(F, w, o6 + p).fma(u, a6);
                        a7 = FloatVector.fromArray(F, w, o7 + p).fma(u, a7);
                        a8 = FloatVector.fromArray(F, w, o8 + p).fma(u, a8);
                        a9 = FloatVector.fromArray(F, w, o9 + p).fma(u, a9);
                        p += LANES;
                        u = FloatVector.fromArray(F, x, xe + LANES);
                        a0 = FloatVector.fromArray(F, w, o0 + p).fma(u, a0);
                        a1 = FloatVector.fromArray(F, w, o1 + p).fma(u, a1);
                        a2 = FloatVector.fromArray(F, w, o2 + p).fma(u, a2);
                        a3 = FloatVector.fromArray(F, w, o3 + p).fma(u, a3);
                        a4 = FloatVector.fromArray(F, w, o4 + p).fma(u, a4);
                        a5 = FloatVector.fromArray(F, w, o5 + p).fma(u, a5);
                        a6 = FloatVector.fromArray(F, w, o6 + p).fma(u, a6);
                        a7 = FloatVector.fromArray(F, w, o7 + p).fma(u, a7);
                        a8 = FloatVector.fromArray(F, w, o8 + p).fma(u, a8);
                        a9 = FloatVector.fromArray(F, w, o9 + p).fma(u, a9);
                    }
                    a0.intoArray(t, 0);
                    a1.intoArray(t, LANES);
                    a2.intoArray(t, 2 * LANES);
                    a3.intoArray(t, 3 * LANES);
                    a4.intoArray(t, 4 * LANES);
                    a5.intoArray(t, 5 * LANES);
                    a6.intoArray(t, 6 * LANES);
                    a7.intoArray(t, 7 * LANES);
                    a8.intoArray(t, 8 * LANES);
                    a9.intoArray(t, 9 * LANES);
                    for (int r = 0; r < G * FU; r++) {
                        float br = g + r < h ? bias1[g + r] : 0f;
                        Z1[g + r][s] = br + sum8(t, r * LANES);
                    }
                }
            }
        }

        /**
         * Z1[r][s] = b1[r] + Σ_p W1[r, p]·X[s, p] over the row's non-zero pixels only, sixteen units at a time: each
         * pixel adds its value times a row of W1T ({@link #weightedSum}). Skipped zeros change the rounding, not the
         * result: the sums equal the dense pass's to float rounding. Measured on MNIST 42k, one thread: 22 ms an
         * iteration, against 29 for {@link #sparseForward}, whose non-blank strips are still two thirds zeros.
         */
        private void pixelForward(int[] order, int from, int S) {
            float[] w = W1T, z = sums, bias1 = net.b1().value().data();
            for (int g = 0; g < groups; g++) {
                for (int s = 0; s < S; s++) {
                    int v = order[from + s];
                    weightedSum(w, g * K * SU, nzPixel, nzValue, nzStart[v], nzStart[v + 1], z, s * SU);
                }
                for (int l = 0, r = g * SU; l < SU && r < hp; l++, r++) {
                    float[] out = Z1[r];
                    if (r < h) {
                        for (int s = 0; s < S; s++) {
                            out[s] = bias1[r] + z[s * SU + l];
                        }
                    } else {
                        Arrays.fill(out, 0, S, 0f);
                    }
                }
            }
        }

        /**
         * {@link #backward} over each strip's listed rows only: a row whose sixteen pixels there are all zero adds
         * exactly nothing to dW1[·, strip], so skipping it keeps the dense path's bits.
         */
        private void sparseBackward(ChunkPartials out, int S) {
            transposeDz(S);
            for (int strip = 0; strip < STRIPS; strip++) {
                strip(out, strip * 2 * LANES, X, stripRows, stripEntries, strip * BLOCK, stripCount[strip], 0);
            }
        }

        /** dZ1t[s·hp + r] = dZ1[r][s]: a row's units side by side, for the broadcasts of {@link #strip}. */
        private void transposeDz(int S) {
            float[] dz = dZ1t;
            for (int r = 0; r < h; r++) {
                float[] d = dZ1[r];
                for (int s = 0; s < S; s++) {
                    dz[s * hp + r] = d[s];
                }
            }
        }

        /**
         * dW1[u, p..p+15] += Σ_i dZ1[rows[at+i]][u]·x[offsets[at+i] + add ..+16) for i < count, over all units,
         * {@value #G} units' lanes (ten accumulators) in registers while the rows go by: each row's two X vectors feed
         * five units. The dense path lists every row of the block, the sparse one the rows that have the strip.
         */
        private void strip(ChunkPartials out, int p, float[] x, int[] rows, int[] offsets, int at, int count, int add) {
            float[] dz = dZ1t;
            for (int u = 0; count > 0 && u < hp; u += G) {
                float[] r0 = out.dW1[u], r1 = out.dW1[u + 1], r2 = out.dW1[u + 2];
                float[] r3 = out.dW1[u + 3], r4 = out.dW1[u + 4];
                FloatVector g0 = FloatVector.fromArray(F, r0, p), h0 = FloatVector.fromArray(F, r0, p + LANES);
                FloatVector g1 = FloatVector.fromArray(F, r1, p), h1 = FloatVector.fromArray(F, r1, p + LANES);
                FloatVector g2 = FloatVector.fromArray(F, r2, p), h2 = FloatVector.fromArray(F, r2, p + LANES);
                FloatVector g3 = FloatVector.fromArray(F, r3, p), h3 = FloatVector.fromArray(F, r3, p + LANES);
                FloatVector g4 = FloatVector.fromArray(F, r4, p), h4 = FloatVector.fromArray(F, r4, p + LANES);
                for (int i = 0; i < count; i++) {
                    int e = rows[at + i] * hp + u, xs = offsets[at + i] + add;
                    FloatVector a = FloatVector.fromArray(F, x, xs), z = FloatVector.fromArray(F, x, xs + LANES);
                    FloatVector d = FloatVector.broadcast(F, dz[e]);
                    g0 = d.fma(a, g0);
                    h0 = d.fma(z, h0);
                    d = FloatVector.broadcast(F, dz[e + 1]);
                    g1 = d.fma(a, g1);
                    h1 = d.fma(z, h1);
                    d = FloatVector.broadcast(F, dz[e + 2]);
                    g2 = d.fma(a, g2);
                    h2 = d.fma(z, h2);
                    d = FloatVector.broadcast(F, dz[e + 3]);
                    g3 = d.fma(a, g3);
                    h3 = d.fma(z, h3);
                    d = FloatVector.broadcast(F, dz[e + 4]);
                    g4 = d.fma(a, g4);
                    h4 = d.fma(z, h4);
                }
                g0.intoArray(r0, p);
                h0.intoArray(r0, p + LANES);
                g1.intoArray(r1, p);
                h1.intoArray(r1, p + LANES);
                g2.intoArray(r2, p);
                h2.intoArray(r2, p + LANES);
                g3.intoArray(r3, p);
                h3.intoArray(r3, p + LANES);
                g4.intoArray(r4, p);
                h4.intoArray(r4, p + LANES);
            }
        }

        /**
         * Z1[r][s] = b1[r] + Σ_j W1[r, j]·X[s, j], {@value #FR} rows × {@value #FU} units at a time over all
         * {@value FusedMlpKernel#K} features. Each loaded W1 vector feeds six multiply-adds and each X vector
         * two: twelve accumulators, the most that AVX2's sixteen registers hold with their operands (measured: 1.4
         * multiply-adds per cycle, against 1.1 for two rows × five units).
         */
        private void forward(int S) {
            float[] w = runW1, x = X, t = lanes, bias1 = net.b1().value().data();
            for (int s = 0; s < S; s += FR) {
                int x0 = s * K, x1 = x0 + K, x2 = x1 + K, x3 = x2 + K, x4 = x3 + K, x5 = x4 + K;
                for (int g = 0; g < hp; g += FU) {
                    int o = g * K, o1 = o + K;
                    FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b0 = FloatVector.zero(F);
                    FloatVector b1 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F);
                    FloatVector d0 = FloatVector.zero(F), d1 = FloatVector.zero(F), e0 = FloatVector.zero(F);
                    FloatVector e1 = FloatVector.zero(F), f0 = FloatVector.zero(F), f1 = FloatVector.zero(F);
                    for (int p = 0; p < K; p += LANES) {
                        FloatVector w0 = FloatVector.fromArray(F, w, o + p), w1 = FloatVector.fromArray(F, w, o1 + p);
                        FloatVector u = FloatVector.fromArray(F, x, x0 + p);
                        a0 = w0.fma(u, a0);
                        a1 = w1.fma(u, a1);
                        u = FloatVector.fromArray(F, x, x1 + p);
                        b0 = w0.fma(u, b0);
                        b1 = w1.fma(u, b1);
                        u = FloatVector.fromArray(F, x, x2 + p);
                        c0 = w0.fma(u, c0);
                        c1 = w1.fma(u, c1);
                        u = FloatVector.fromArray(F, x, x3 + p);
                        d0 = w0.fma(u, d0);
                        d1 = w1.fma(u, d1);
                        u = FloatVector.fromArray(F, x, x4 + p);
                        e0 = w0.fma(u, e0);
                        e1 = w1.fma(u, e1);
                        u = FloatVector.fromArray(F, x, x5 + p);
                        f0 = w0.fma(u, f0);
                        f1 = w1.fma(u, f1);
                    }
                    a0.intoArray(t, 0);
                    b0.intoArray(t, LANES);
                    c0.intoArray(t, 2 * LANES);
                    d0.intoArray(t, 3 * LANES);
                    e0.intoArray(t, 4 * LANES);
                    f0.intoArray(t, 5 * LANES);
                    a1.intoArray(t, 6 * LANES);
                    b1.intoArray(t, 7 * LANES);
                    c1.intoArray(t, 8 * LANES);
                    d1.intoArray(t, 9 * LANES);
                    e1.intoArray(t, 10 * LANES);
                    f1.intoArray(t, 11 * LANES);
                    for (int q = 0; q < FU; q++) {
                        float bq = g + q < h ? bias1[g + q] : 0f;
                        float[] z = Z1[g + q];
                        for (int i = 0; i < FR; i++) {
                            z[s + i] = bq + sum8(t, (q * FR + i) * LANES); // rows past S: never read
                        }
                    }
                }
            }
        }

        /**
         * dW1[r, p..] += Σ_s dZ1[r][s]·X[s, p..] over the block's rows, in 48-pixel bands ({@link #band}) and a last
         * sixteen-pixel {@link #strip}. Each dW1 value is the same fma chain over the rows in order either way, so
         * both give the same bits. Two units × 48 pixels a row (six X loads, two broadcasts, twelve multiply-adds)
         * ran the backward pass of a Fashion-MNIST full batch in 22–24 ms per 42k rows on one thread, against
         * 30–34 for five units × 16 pixels (four X loads and ten broadcasts for twenty); whole steps 56.9 against
         * 65.9 ms on one thread, 33.9 against 36.1 on two, batch-32 epochs 79.5 against 86.6 ms (best of 3–4).
         */
        private void backward(ChunkPartials out, int S) {
            transposeDz(S);
            int p = 0;
            for (; p + 6 * LANES <= K; p += 6 * LANES) {
                band(out, p, S);
            }
            for (; p < K; p += 2 * LANES) {
                strip(out, p, X, ALL_ROWS, ROW_STARTS, 0, S, p);
            }
        }

        /**
         * dW1[u..u+1, p..p+47] += Σ_s dZ1[s][u..u+1]·X[s, p..p+47] over the block's rows: two units' twelve
         * vectors in registers while the rows go by, each row's six X vectors feeding both.
         */
        private void band(ChunkPartials out, int p, int S) {
            float[] dz = dZ1t, x = X;
            for (int u = 0; u < hp; u += 2) {
                float[] r0 = out.dW1[u], r1 = out.dW1[u + 1];
                FloatVector g0 = FloatVector.fromArray(F, r0, p), g1 = FloatVector.fromArray(F, r0, p + LANES);
                FloatVector g2 = FloatVector.fromArray(F, r0, p + 2 * LANES), g3 = FloatVector.fromArray(F, r0, p + 3 * LANES);
                FloatVector g4 = FloatVector.fromArray(F, r0, p + 4 * LANES), g5 = FloatVector.fromArray(F, r0, p + 5 * LANES);
                FloatVector h0 = FloatVector.fromArray(F, r1, p), h1 = FloatVector.fromArray(F, r1, p + LANES);
                FloatVector h2 = FloatVector.fromArray(F, r1, p + 2 * LANES), h3 = FloatVector.fromArray(F, r1, p + 3 * LANES);
                FloatVector h4 = FloatVector.fromArray(F, r1, p + 4 * LANES), h5 = FloatVector.fromArray(F, r1, p + 5 * LANES);
                for (int s = 0; s < S; s++) {
                    int xs = s * K + p, e = s * hp + u;
                    FloatVector d = FloatVector.broadcast(F, dz[e]), b = FloatVector.broadcast(F, dz[e + 1]);
                    FloatVector v = FloatVector.fromArray(F, x, xs);
                    g0 = d.fma(v, g0);
                    h0 = b.fma(v, h0);
                    v = FloatVector.fromArray(F, x, xs + LANES);
                    g1 = d.fma(v, g1);
                    h1 = b.fma(v, h1);
                    v = FloatVector.fromArray(F, x, xs + 2 * LANES);
                    g2 = d.fma(v, g2);
                    h2 = b.fma(v, h2);
                    v = FloatVector.fromArray(F, x, xs + 3 * LANES);
                    g3 = d.fma(v, g3);
                    h3 = b.fma(v, h3);
                    v = FloatVector.fromArray(F, x, xs + 4 * LANES);
                    g4 = d.fma(v, g4);
                    h4 = b.fma(v, h4);
                    v = FloatVector.fromArray(F, x, xs + 5 * LANES);
                    g5 = d.fma(v, g5);
                    h5 = b.fma(v, h5);
                }
                g0.intoArray(r0, p);
                g1.intoArray(r0, p + LANES);
                g2.intoArray(r0, p + 2 * LANES);
                g3.intoArray(r0, p + 3 * LANES);
                g4.intoArray(r0, p + 4 * LANES);
                g5.intoArray(r0, p + 5 * LANES);
                h0.intoArray(r1, p);
                h1.intoArray(r1, p + LANES);
                h2.intoArray(r1, p + 2 * LANES);
                h3.intoArray(r1, p + 3 * LANES);
                h4.intoArray(r1, p + 4 * LANES);
                h5.intoArray(r1, p + 5 * LANES);
            }
        }
    }

    /**
     * t[0..16) = Σ_e weight[e]·src[base + 16·index[e] .. +16) for e in [from, to): a non-zero pixel's value times
     * a row of W1ᵀ (forward), or a column's values times their rows' dZ1 (dW1). The terms take turns among four
     * sets of sums (an fma waits for the last one on its sum: one chain would wait five cycles a term), added up in
     * a fixed order at the end, so the bits depend on the lists alone. Both operands are laid out in sixteen-float
     * runs so that the stride is this constant: with the stride an argument, the step took 6% longer.
     */
    private static void weightedSum(float[] src, int base, short[] index, float[] weight, int from, int to, float[] t,
            int at) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F), c0 = FloatVector.zero(F), c1 = FloatVector.zero(F);
        FloatVector d0 = FloatVector.zero(F), d1 = FloatVector.zero(F);
        int e = from;
        for (; e + 4 <= to; e += 4) {
            int o = base + index[e] * SU;
            FloatVector u = FloatVector.broadcast(F, weight[e]);
            a0 = FloatVector.fromArray(F, src, o).fma(u, a0);
            a1 = FloatVector.fromArray(F, src, o + LANES).fma(u, a1);
            o = base + index[e + 1] * SU;
            u = FloatVector.broadcast(F, weight[e + 1]);
            b0 = FloatVector.fromArray(F, src, o).fma(u, b0);
            b1 = FloatVector.fromArray(F, src, o + LANES).fma(u, b1);
            o = base + index[e + 2] * SU;
            u = FloatVector.broadcast(F, weight[e + 2]);
            c0 = FloatVector.fromArray(F, src, o).fma(u, c0);
            c1 = FloatVector.fromArray(F, src, o + LANES).fma(u, c1);
            o = base + index[e + 3] * SU;
            u = FloatVector.broadcast(F, weight[e + 3]);
            d0 = FloatVector.fromArray(F, src, o).fma(u, d0);
            d1 = FloatVector.fromArray(F, src, o + LANES).fma(u, d1);
        }
        for (; e < to; e++) {
            int o = base + index[e] * SU;
            FloatVector u = FloatVector.broadcast(F, weight[e]);
            a0 = FloatVector.fromArray(F, src, o).fma(u, a0);
            a1 = FloatVector.fromArray(F, src, o + LANES).fma(u, a1);
        }
        a0.add(b0).add(c0.add(d0)).intoArray(t, at);
        a1.add(b1).add(c1.add(d1)).intoArray(t, at + LANES);
    }

    /**
     * The columns of the chunk order[from..to): kept when its rows are v0, v0 + 1, …, v0 + len − 1 (a full batch in
     * order) and the budget allows, else built for this step alone.
     */
    private Columns columnsOf(int[] order, int from, int to) {
        int v0 = order[from], len = to - from;
        boolean run = true;
        for (int i = from; i < to && run; i++) {
            run = order[i] == v0 + i - from;
        }
        long key = (long) v0 << 32 | len;
        Columns c = run ? columns.get(key) : null;
        if (c != null) {
            return c;
        }
        c = columns(order, from, len);
        synchronized (this) {
            if (run && columnBudget >= c.row().length) {
                columnBudget -= c.row().length;
                columns.put(key, c);
            }
        }
        return c;
    }

    /** Rows order[from..from+len) by column: a counting sort of their pixel lists, rows in order within a column. */
    private Columns columns(int[] order, int from, int len) {
        int[] start = new int[K + 1];
        for (int i = 0; i < len; i++) {
            int v = order[from + i];
            for (int e = nzStart[v]; e < nzStart[v + 1]; e++) {
                start[nzPixel[e] + 1]++;
            }
        }
        for (int p = 0; p < K; p++) {
            start[p + 1] += start[p];
        }
        int[] next = Arrays.copyOf(start, K);
        short[] row = new short[start[K]];
        float[] value = new float[start[K]];
        for (int i = 0; i < len; i++) {
            int v = order[from + i];
            for (int e = nzStart[v]; e < nzStart[v + 1]; e++) {
                int at = next[nzPixel[e]]++;
                row[at] = (short) i;
                value[at] = nzValue[e];
            }
        }
        return new Columns(start, row, value);
    }

    /**
     * Whether rows order[from..from+S) look like one ascending run (a full batch in order), which the hardware
     * prefetcher streams without help; a shuffled block is read ahead. Only a guess about speed: both ways give the
     * same bits.
     */
    private static boolean ascendingRun(int[] order, int from, int S) {
        return order[from + S - 1] - order[from] == S - 1;
    }

    /**
     * out[at .. at + count) = (src[from .. from + count) &amp; 0xFF)·scale, as {@link Dataset#batch} computes pixels, eight
     * at a time; count a multiple of eight. Modified: out.
     */
    static void floats(byte[] src, int from, float[] out, int at, int count, float scale) {
        for (int q = 0; q < count; q += LANES) {
            IntVector b = (IntVector) ByteVector.fromArray(B, src, from + q).convertShape(VectorOperators.B2I, I, 0);
            FloatVector f = (FloatVector) b.and(0xFF).convertShape(VectorOperators.I2F, F, 0);
            f.mul(scale).intoArray(out, at + q);
        }
    }

    /** The eight lanes at t[o..o+8) added pairwise, always in this order. */
    static float sum8(float[] t, int o) {
        return ((t[o] + t[o + 1]) + (t[o + 2] + t[o + 3])) + ((t[o + 4] + t[o + 5]) + (t[o + 6] + t[o + 7]));
    }
}
