package dev.sinapse.plugin.prelu;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.SameSize;
import dev.sinapse.api.SinapseException;
import java.util.List;

/**
 * Parametric ReLU (He, Zhang, Ren and Sun, "Delving Deep into Rectifiers", 2015), one learned slope per feature:
 *   A[i,j] = X[i,j] if X[i,j] > 0, else α[j]·X[i,j].   X, A: m × n;  α: 1 × n.
 * Backward: dα[j] = Σ_i dA[i,j]·X[i,j] over the rows where X[i,j] ≤ 0;  dX = dA ⊙ (1 where X > 0, else α).
 *
 * <p>The example of a plug-in <em>layer</em> (rather than an activation): it has a parameter, so it implements
 * {@link Layer} itself. α is not weight-decayed, as in the paper: decay would pull it toward plain ReLU.
 */
final class PRelu implements SameSize {
    private final Id id;
    private final Param alpha;
    private Matrix X; // the last input, for dα and the mask

    PRelu(String name, int n, float initialSlope) {
        this.id = new Id(name, n);
        Matrix a = new Matrix(1, n);
        a.fill(initialSlope);
        this.alpha = new Param(name + ".alpha", a, false);
    }

    @Override
    public Id id() {
        return id;
    }

    @Override
    public List<Param> params() {
        return List.of(alpha);
    }

    @Override
    public Matrix forward(Matrix X, Pass pass) {
        int n = id.size();
        if (X.cols() != n) {
            throw new SinapseException("layer '" + id.name() + "' (prelu): input has " + X.cols() + " features, expected " + n);
        }
        Matrix A = new Matrix(X.rows(), n);
        float[] x = X.data(), a = A.data(), al = alpha.value().data();
        for (int k = 0; k < x.length; k++) {
            a[k] = x[k] > 0 ? x[k] : al[k % n] * x[k];
        }
        this.X = X;
        return A;
    }

    @Override
    public Matrix backward(Matrix dA, Pass pass) {
        int n = id.size();
        float[] x = X.data(), da = dA.data(), al = alpha.value().data();
        double[] dAlpha = new double[n];
        for (int k = 0; k < x.length; k++) {
            if (x[k] <= 0) {
                dAlpha[k % n] += (double) da[k] * x[k];
            }
        }
        float[] dal = alpha.grad().data();
        for (int j = 0; j < n; j++) {
            dal[j] = (float) dAlpha[j];
        }
        if (!pass.inputGradient()) {
            return null;
        }
        Matrix dX = new Matrix(dA.rows(), n);
        float[] dx = dX.data();
        for (int k = 0; k < x.length; k++) {
            dx[k] = x[k] > 0 ? da[k] : al[k % n] * da[k];
        }
        return dX;
    }

    /** Option: init_slope, the starting α of every feature (default 0.25, the paper's). */
    static final class Factory implements LayerFactory {
        @Override
        public Layer create(LayerContext ctx) {
            Options options = ctx.options();
            double slope = options.getDouble("init_slope", 0.25);
            return new PRelu(ctx.name(), ctx.inputSize(), (float) slope);
        }

        @Override
        public String help() {
            return "parametric ReLU with a learned slope per feature (a plug-in); options: init_slope (default 0.25)";
        }
    }
}
