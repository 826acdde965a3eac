package dev.sinapse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Activation;
import dev.sinapse.api.Compute;
import dev.sinapse.api.Layer;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * The one gradient checker: compares a layer's or loss's backward with central finite differences.
 * Layers are checked through L = Σ R ⊙ forward(X) for a fixed random R, so every output element matters.
 * Float32 arithmetic, so the step is 1e-2 and sums are taken in double. A coordinate where the one-sided
 * slopes disagree sits on a kink (ReLU at 0); its numerical derivative is undefined and it is skipped and counted.
 */
public final class GradientCheck {
    private static final double EPS = 1e-2;
    private static final long PASS_SEED = 42;

    private GradientCheck() {
    }

    /** What a check saw: how many coordinates it compared and how many it skipped as kinks. */
    public record Report(int compared, int skippedKinks, double worstError) {
    }

    /** A fresh training pass whose random generator always starts at the same place (same dropout mask). */
    public static Pass pass() {
        return Pass.training(Compute.serial(), new Rng(PASS_SEED));
    }

    public static Report checkLayer(Layer layer, Matrix X, double tolerance) {
        Matrix Y = layer.forward(X.copy(), pass());
        Matrix R = randomLike(Y, 7);
        Matrix dX = layer.backward(R.copy(), pass());
        List<float[]> analytic = new ArrayList<>();
        List<Param> params = layer.params();
        for (Param p : params) {
            analytic.add(p.grad().data().clone());
        }
        Counter c = new Counter(tolerance);
        java.util.function.DoubleSupplier L = () -> dot(R, layer.forward(X, pass()));
        for (int i = 0; i < X.size(); i++) {
            c.compare("dX[" + i + "]", X.data(), i, dX.data()[i], L);
        }
        for (int k = 0; k < params.size(); k++) {
            Param p = params.get(k);
            for (int i = 0; i < p.value().size(); i++) {
                c.compare(p.name() + "[" + i + "]", p.value().data(), i, analytic.get(k)[i], L);
            }
        }
        return c.report();
    }

    /**
     * Checks an activation's {@code derivative(z, f(z))} against differences of {@code apply} at every value of Z: the
     * same check as {@link #checkLayer} of the layer a config makes of it, since that layer's dZ is dA ⊙ f'(Z).
     */
    public static Report checkActivation(Activation f, Matrix Z, double tolerance) {
        Counter c = new Counter(tolerance);
        float[] z = Z.data();
        for (int i = 0; i < z.length; i++) {
            int at = i;
            double analytic = f.derivative(z[at], f.apply(z[at]));
            c.compare("f'(" + z[at] + ") [" + at + "]", z, at, analytic, () -> f.apply(z[at]));
        }
        return c.report();
    }

    /** Checks dL/dA of a loss at output A (rows of probabilities or any values the loss accepts). */
    public static Report checkLoss(Loss loss, Matrix A, int[] y, double tolerance) {
        Matrix dA = loss.gradient(A.copy(), y);
        Counter c = new Counter(tolerance);
        for (int i = 0; i < A.size(); i++) {
            c.compare("dA[" + i + "]", A.data(), i, dA.data()[i], () -> loss.value(A, y));
        }
        return c.report();
    }

    /** Checks the closed form dL/dZ through softmax against differences of L(softmax(Z)). */
    public static Report checkThroughSoftmax(Loss loss, Layer softmax, Matrix Z, int[] y, double tolerance) {
        Matrix A = softmax.forward(Z.copy(), pass());
        Matrix dZ = loss.gradientThroughSoftmax(A, y).orElseThrow();
        Counter c = new Counter(tolerance);
        for (int i = 0; i < Z.size(); i++) {
            c.compare("dZ[" + i + "]", Z.data(), i, dZ.data()[i], () -> loss.value(softmax.forward(Z, pass()), y));
        }
        return c.report();
    }

    public static Matrix randomLike(Matrix M, long seed) {
        return random(M.rows(), M.cols(), seed);
    }

    /** Values uniform in [-1, 1), with the kink values -1, 0 and 1 among the first entries. */
    public static Matrix random(int rows, int cols, long seed) {
        Rng rng = new Rng(seed);
        Matrix M = new Matrix(rows, cols);
        float[] m = M.data();
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) (2 * rng.nextDouble() - 1);
        }
        float[] kinks = {-1f, 0f, 1f};
        for (int i = 0; i < Math.min(kinks.length, m.length); i++) {
            m[i] = kinks[i];
        }
        return M;
    }

    /**
     * Distinct values k/40 (k = −n/2 … n/2 − 1 for n = rows·cols, so n = 128 spans [−1.6, 1.6)), shuffled, with the
     * kink values −1, 0 and 1 first as in {@link #random}. Any two are at least 0.025 apart, more than the step, so a
     * difference never carries one input past another: a max over inputs (max pooling) then has no kink strictly
     * inside a difference, where the one-sided slopes only partly disagree and the kink would not be detected.
     */
    public static Matrix spaced(int rows, int cols, long seed) {
        int n = rows * cols;
        int[] k = new int[n];
        for (int i = 0; i < n; i++) {
            k[i] = i - n / 2;
        }
        new Rng(seed).shuffle(k);
        int[] kinks = {-40, 0, 40};
        for (int j = 0; j < kinks.length; j++) {
            for (int i = 0; i < n; i++) {
                if (k[i] == kinks[j] && j < n) {
                    k[i] = k[j];
                    k[j] = kinks[j];
                    break;
                }
            }
        }
        Matrix M = new Matrix(rows, cols);
        for (int i = 0; i < n; i++) {
            M.data()[i] = k[i] / 40f;
        }
        return M;
    }

    private static double dot(Matrix a, Matrix b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += (double) a.data()[i] * b.data()[i];
        }
        return s;
    }

    private static final class Counter {
        private final double tolerance;
        private int compared;
        private int skipped;
        private double worst;

        Counter(double tolerance) {
            this.tolerance = tolerance;
        }

        void compare(String what, float[] x, int i, double analytic, java.util.function.DoubleSupplier f) {
            float saved = x[i];
            double f0 = f.getAsDouble();
            x[i] = (float) (saved + EPS);
            double fPlus = f.getAsDouble();
            x[i] = (float) (saved - EPS);
            double fMinus = f.getAsDouble();
            x[i] = saved;
            double h = EPS;
            double right = (fPlus - f0) / h, left = (f0 - fMinus) / h;
            double scale = Math.max(1.0, Math.max(Math.abs(right), Math.abs(left)));
            if (Math.abs(right - left) > 0.5 * scale) {
                skipped++;
                return;
            }
            double numeric = (fPlus - fMinus) / (2 * h);
            double err = Math.abs(numeric - analytic) / Math.max(1.0, Math.abs(numeric) + Math.abs(analytic));
            worst = Math.max(worst, err);
            assertThat(err).as("%s: analytic %s vs numeric %s", what, analytic, numeric).isLessThanOrEqualTo(tolerance);
            compared++;
        }

        Report report() {
            assertThat(compared).as("coordinates compared").isGreaterThan(skipped);
            return new Report(compared, skipped, worst);
        }
    }
}
