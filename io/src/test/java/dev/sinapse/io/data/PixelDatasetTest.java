package dev.sinapse.io.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Matrix;
import org.junit.jupiter.api.Test;

class PixelDatasetTest {
    /** Four rows of three pixels, labels 5, 6, 7, 8. */
    private static final PixelDataset D = new PixelDataset("four", 3, new byte[] {
            0, 1, 2,
            10, 20, 30,
            100, (byte) 200, (byte) 255,
            (byte) 128, 64, 32}, new int[] {5, 6, 7, 8});

    @Test
    void pixelsReadAsUnsignedBytes() {
        assertThat(D.size()).isEqualTo(4);
        assertThat(D.features()).isEqualTo(3);
        assertThat(D.source()).isEqualTo("four");
        assertThat(new int[] {D.pixel(0, 2), D.pixel(2, 1), D.pixel(2, 2), D.pixel(3, 0)}).containsExactly(2, 200, 255, 128);
    }

    @Test
    void selectIsAViewOfTheGivenRowsInTheirOrder() {
        Dataset d = D.select(new int[] {3, 1});
        assertThat(d.size()).isEqualTo(2);
        assertThat(new int[] {d.label(0), d.label(1)}).containsExactly(8, 6);
        assertThat(new int[] {d.pixel(0, 0), d.pixel(1, 2)}).containsExactly(128, 30);
        // rows of a view are numbered within the view
        assertThat(d.select(new int[] {1}).pixel(0, 1)).isEqualTo(20);
    }

    @Test
    void sliceOfAViewKeepsTheViewsOrder() {
        Dataset d = D.select(new int[] {3, 2, 1, 0}).slice(1, 3);
        assertThat(d.size()).isEqualTo(2);
        assertThat(new int[] {d.label(0), d.label(1)}).containsExactly(7, 6);
        assertThat(d.naturalOrder()).containsExactly(0, 1);
    }

    @Test
    void batchScalesTheOrderedRowsFromTo() {
        int[] order = {2, 0, 3};
        Matrix X = D.batch(order, 1, 3, 0.5f);
        assertThat(X.rows()).isEqualTo(2);
        assertThat(X.cols()).isEqualTo(3);
        assertThat(X.data()).containsExactly(0f, 0.5f, 1f, 64f, 32f, 16f);
        assertThat(D.labels(order, 1, 3)).containsExactly(5, 8);
    }

    @Test
    void batchIntoWritesTheBatchsRowsAtTheOffset() {
        int[] order = {2, 0, 3, 1};
        float[] out = new float[2 + 3 * 3];
        java.util.Arrays.fill(out, -1f);
        D.batchInto(order, 1, 4, 0.5f, out, 2);
        float[] whole = D.batch(order, 1, 4, 0.5f).data();
        assertThat(java.util.Arrays.copyOfRange(out, 2, out.length)).containsExactly(whole);
        assertThat(out[0]).isEqualTo(-1f);
        assertThat(out[1]).isEqualTo(-1f);
        // every value is pixel·scale, as computed directly
        for (int r = 1; r < 4; r++) {
            for (int j = 0; j < 3; j++) {
                assertThat(whole[(r - 1) * 3 + j]).isEqualTo(D.pixel(order[r], j) * 0.5f);
            }
        }
    }

    @Test
    void bytesIntoCopiesTheOrderedRowsBytesAtTheOffsetThroughAView() {
        Dataset d = D.select(new int[] {3, 2, 1, 0});   // view row v is D's row 3 − v
        int[] order = {1, 3, 0};
        byte[] out = new byte[1 + 2 * 3 + 1];
        java.util.Arrays.fill(out, (byte) 7);
        d.bytesInto(order, 1, 3, out, 1);
        assertThat(out[0]).isEqualTo((byte) 7);
        assertThat(out[7]).isEqualTo((byte) 7);
        for (int r = 1; r < 3; r++) {
            for (int j = 0; j < 3; j++) {
                assertThat(out[1 + (r - 1) * 3 + j] & 0xFF).as("row %d, pixel %d", order[r], j).isEqualTo(d.pixel(order[r], j));
            }
        }
        // the Dataset default, which asks pixel() for each, writes the same bytes
        byte[] viaDefault = new byte[out.length];
        java.util.Arrays.fill(viaDefault, (byte) 7);
        new Dataset() {
            public String source() { return d.source(); }
            public int size() { return d.size(); }
            public int features() { return d.features(); }
            public boolean hasLabels() { return true; }
            public int label(int row) { return d.label(row); }
            public int pixel(int row, int j) { return d.pixel(row, j); }
            public Dataset select(int[] rows) { throw new UnsupportedOperationException(); }
            public Dataset slice(int from, int to) { throw new UnsupportedOperationException(); }
            public Matrix batch(int[] o, int from, int to, float scale) { return d.batch(o, from, to, scale); }
        }.bytesInto(order, 1, 3, viaDefault, 1);
        assertThat(viaDefault).containsExactly(out);
    }

    @Test
    void batchOfAViewReadsTheViewsRows() {
        Dataset d = D.slice(2, 4);
        assertThat(d.batch(new int[] {1, 0}, 0, 2, 1f).data()).containsExactly(128f, 64f, 32f, 100f, 200f, 255f);
        assertThat(d.labels(d.naturalOrder(), 0, 2)).containsExactly(7, 8);
    }

    @Test
    void unlabelledRowsSaySo() {
        assertThat(new PixelDataset("test.csv", 2, new byte[4], null).hasLabels()).isFalse();
        assertThat(D.hasLabels()).isTrue();
    }

    @Test
    void pixelsThatAreNotWholeRowsOrLabelsOfAnotherCountAreRejected() {
        assertThatThrownBy(() -> new PixelDataset("x", 3, new byte[7], null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("7 bytes are not rows of 3");
        assertThatThrownBy(() -> new PixelDataset("x", 3, new byte[12], new int[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("3 labels for 4 rows");
    }
}
