package dev.sinapse.io.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Bytes appended block by block, then copied once into an array of the exact size. Memory follows what was
 * actually read (blocks start small and double up to a cap, so at most one block is ahead of the content):
 * neither a row count guessed up front nor a header that lies about its size can make a reader allocate more
 * than the content justifies. Sizes are counted in units (a row of pixels, say) so that two lists fed row by
 * row, one with the pixels and one with the labels, fill their blocks in step.
 */
final class ByteChunks {
    /** The largest array the JVM reliably allocates. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private static final int FIRST_BLOCK = 64;

    private final int unit;
    private final int maxUnits;
    private final List<byte[]> blocks = new ArrayList<>();
    private int nextUnits;
    private byte[] current;
    private int used;
    private long size;

    /** Blocks of {@code unit}-byte units, at most {@code maxUnits} units (≥ 1) each. */
    ByteChunks(int unit, int maxUnits) {
        this.unit = unit;
        this.maxUnits = maxUnits;
        this.nextUnits = Math.min(FIRST_BLOCK, maxUnits);
    }

    /** The block to write into at {@link #position()}, with {@link #free()} bytes left; allocated on demand. */
    byte[] block() {
        if (current == null || used == current.length) {
            current = new byte[nextUnits * unit];
            nextUnits = (int) Math.min(2L * nextUnits, maxUnits);
            blocks.add(current);
            used = 0;
        }
        return current;
    }

    int position() {
        return used;
    }

    int free() {
        return block().length - used;
    }

    /** Records that {@code n} bytes were written into the block at {@link #position()}. */
    void advance(int n) {
        used += n;
        size += n;
    }

    long size() {
        return size;
    }

    /** Everything appended, in order, in one array of exactly {@link #size()} bytes. */
    byte[] toArray() {
        if (size > MAX_ARRAY) {
            throw new IllegalStateException(size + " bytes do not fit one array");
        }
        byte[] all = new byte[(int) size];
        int at = 0;
        for (byte[] b : blocks) {
            int n = (int) Math.min(b.length, size - at);
            System.arraycopy(b, 0, all, at, n);
            at += n;
        }
        return all;
    }
}
