package dev.sinapse.api;

/** Plain loops, one thread: the reference every faster kernel is tested against. */
final class SerialCompute implements Compute {
    static final SerialCompute INSTANCE = new SerialCompute();

    private SerialCompute() {
    }

    @Override
    public Matrix timesTransB(Matrix A, Matrix B) {
        int m = A.rows(), k = A.cols(), n = B.rows();
        check(B.cols() == k, "timesTransB", A, B);
        float[] a = A.data(), b = B.data();
        Matrix C = new Matrix(m, n);
        float[] c = C.data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                int ai = i * k, bj = j * k;
                for (int p = 0; p < k; p++) {
                    s += a[ai + p] * b[bj + p];
                }
                c[i * n + j] = s;
            }
        }
        return C;
    }

    @Override
    public void transATimesInto(Matrix A, Matrix B, Matrix out) {
        int m = A.rows(), n = A.cols(), k = B.cols();
        check(B.rows() == m && out.rows() == n && out.cols() == k, "transATimes", A, B);
        float[] a = A.data(), b = B.data(), c = out.data();
        java.util.Arrays.fill(c, 0f);
        for (int i = 0; i < m; i++) {
            for (int r = 0; r < n; r++) {
                float air = a[i * n + r];
                if (air == 0f) {
                    continue;
                }
                int cr = r * k, bi = i * k;
                for (int p = 0; p < k; p++) {
                    c[cr + p] += air * b[bi + p];
                }
            }
        }
    }

    @Override
    public Matrix times(Matrix A, Matrix B) {
        int m = A.rows(), k = A.cols(), n = B.cols();
        check(B.rows() == k, "times", A, B);
        float[] a = A.data(), b = B.data();
        Matrix C = new Matrix(m, n);
        float[] c = C.data();
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float aip = a[i * k + p];
                if (aip == 0f) {
                    continue;
                }
                int bp = p * n, ci = i * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aip * b[bp + j];
                }
            }
        }
        return C;
    }

    private static void check(boolean ok, String op, Matrix A, Matrix B) {
        if (!ok) {
            throw new IllegalArgumentException(op + ": shapes " + A.shape() + " and " + B.shape() + " do not chain");
        }
    }
}
