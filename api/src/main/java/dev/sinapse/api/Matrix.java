package dev.sinapse.api;

import java.util.Arrays;

/**
 * A dense row-major matrix of float32. Batches are sample-major: row i is sample i.
 * The heavy products live in {@link Compute}, so kernels can be replaced without touching layers.
 */
public final class Matrix {
    private final int rows;
    private final int cols;
    private final float[] data;

    public Matrix(int rows, int cols) {
        this(rows, cols, new float[checkedSize(rows, cols)]);
    }

    /** Wraps {@code data} (not copied). */
    public Matrix(int rows, int cols, float[] data) {
        if (rows < 0 || cols < 0 || data.length != checkedSize(rows, cols)) {
            throw new IllegalArgumentException("shape " + rows + "x" + cols + " does not fit " + data.length + " values");
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    private static int checkedSize(int rows, int cols) {
        long n = (long) rows * cols;
        if (rows < 0 || cols < 0 || n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bad shape " + rows + "x" + cols);
        }
        return (int) n;
    }

    public static Matrix of(int rows, int cols, float... values) {
        return new Matrix(rows, cols, values.clone());
    }

    public static Matrix zeros(int rows, int cols) {
        return new Matrix(rows, cols);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int size() {
        return data.length;
    }

    /** The backing array, row-major. Modified by writes through it. */
    public float[] data() {
        return data;
    }

    public float get(int r, int c) {
        return data[r * cols + c];
    }

    public void set(int r, int c, float v) {
        data[r * cols + c] = v;
    }

    public Matrix copy() {
        return new Matrix(rows, cols, data.clone());
    }

    public boolean sameShape(Matrix o) {
        return rows == o.rows && cols == o.cols;
    }

    public String shape() {
        return rows + "x" + cols;
    }

    /** Copies {@code src} into this matrix. Modified: this. */
    public void setTo(Matrix src) {
        requireSameShape(src, "setTo");
        System.arraycopy(src.data, 0, data, 0, data.length);
    }

    public void fill(float v) {
        Arrays.fill(data, v);
    }

    /** this += alpha · B. Modified: this. */
    public void addScaledInPlace(float alpha, Matrix B) {
        requireSameShape(B, "addScaledInPlace");
        float[] b = B.data;
        for (int i = 0; i < data.length; i++) {
            data[i] += alpha * b[i];
        }
    }

    /** this *= alpha. Modified: this. */
    public void scaleInPlace(float alpha) {
        for (int i = 0; i < data.length; i++) {
            data[i] *= alpha;
        }
    }

    /** Adds the row vector {@code v} (1 × cols) to every row. Modified: this. */
    public void addRowVectorInPlace(Matrix v) {
        if (v.size() != cols) {
            throw new IllegalArgumentException("row vector of " + v.size() + " values added to " + shape());
        }
        float[] b = v.data;
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                data[o + c] += b[c];
            }
        }
    }

    /** Σ over rows, as a 1 × cols matrix written into {@code out}. Modified: out. */
    public void columnSumsInto(Matrix out) {
        if (out.size() != cols) {
            throw new IllegalArgumentException("column sums of " + shape() + " into " + out.shape());
        }
        float[] s = out.data;
        Arrays.fill(s, 0f);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) {
                s[c] += data[o + c];
            }
        }
    }

    /** Index of the largest value in row r (first one on ties). */
    public int argmaxRow(int r) {
        int o = r * cols;
        int best = 0;
        for (int c = 1; c < cols; c++) {
            if (data[o + c] > data[o + best]) {
                best = c;
            }
        }
        return best;
    }

    /** Σ x², in double. */
    public double squaredNorm() {
        double s = 0;
        for (float v : data) {
            s += (double) v * v;
        }
        return s;
    }

    public boolean allFinite() {
        for (float v : data) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private void requireSameShape(Matrix o, String op) {
        if (!sameShape(o)) {
            throw new IllegalArgumentException(op + ": shapes " + shape() + " and " + o.shape() + " differ");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matrix m && m.rows == rows && m.cols == cols && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Matrix ").append(shape());
        if (data.length <= 64) {
            for (int r = 0; r < rows; r++) {
                sb.append(r == 0 ? " [" : ", ").append(Arrays.toString(Arrays.copyOfRange(data, r * cols, (r + 1) * cols)));
            }
            sb.append(rows == 0 ? " []" : "]");
        }
        return sb.toString();
    }
}
