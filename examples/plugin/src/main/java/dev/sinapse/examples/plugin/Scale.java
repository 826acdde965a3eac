package dev.sinapse.examples.plugin;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.SameSize;
import dev.sinapse.api.SinapseException;
import java.util.List;

/**
 * A learned scale and shift per feature: Y[i,j] = γ[j]·X[i,j] + β[j].   X, Y: m × n;  γ, β: 1 × n.
 * Backward: dγ[j] = Σ_i dY[i,j]·X[i,j],  dβ[j] = Σ_i dY[i,j],  dX = dY ⊙ γ.
 * γ starts at 1 and β at 0 (the identity), and neither is weight-decayed, as for batch norm's own γ and β.
 */
final class Scale implements SameSize {
    private final Id id;
    private final Param gamma;
    private final Param beta;
    private Matrix X; // the last input, for dγ

    Scale(String name, int n) {
        this.id = new Id(name, n);
        Matrix g = new Matrix(1, n);
        g.fill(1f);
        this.gamma = new Param(name + ".gamma", g, false);
        this.beta = new Param(name + ".beta", new Matrix(1, n), false);
    }

    @Override
    public Id id() {
        return id;
    }

    @Override
    public List<Param> params() {
        return List.of(gamma, beta);
    }

    @Override
    public long forwardFlopsPerSample() {
        return 2L * id.size();
    }

    @Override
    public Matrix forward(Matrix X, Pass pass) {
        int n = id.size();
        if (X.cols() != n) {
            throw new SinapseException("layer '" + id.name() + "' (scale): input has " + X.cols() + " features, expected " + n);
        }
        Matrix Y = new Matrix(X.rows(), n);
        float[] x = X.data(), y = Y.data(), g = gamma.value().data(), b = beta.value().data();
        for (int k = 0; k < x.length; k++) {
            y[k] = g[k % n] * x[k] + b[k % n];
        }
        this.X = X;
        return Y;
    }

    @Override
    public Matrix backward(Matrix dY, Pass pass) {
        int n = id.size();
        float[] x = X.data(), dy = dY.data(), g = gamma.value().data();
        double[] dg = new double[n], db = new double[n];
        for (int k = 0; k < x.length; k++) {
            dg[k % n] += (double) dy[k] * x[k];
            db[k % n] += dy[k];
        }
        float[] dGamma = gamma.grad().data(), dBeta = beta.grad().data();
        for (int j = 0; j < n; j++) {
            dGamma[j] = (float) dg[j];
            dBeta[j] = (float) db[j];
        }
        if (!pass.inputGradient()) {
            return null;
        }
        Matrix dX = new Matrix(dY.rows(), n);
        float[] dx = dX.data();
        for (int k = 0; k < x.length; k++) {
            dx[k] = dy[k] * g[k % n];
        }
        return dX;
    }

    /** No options: the layer is as wide as its input. */
    static final class Factory implements LayerFactory {
        @Override
        public Layer create(LayerContext ctx) {
            return new Scale(ctx.name(), ctx.inputSize());
        }

        @Override
        public String help() {
            return "a learned scale and shift per feature, γ·x + β (example plug-in); no options";
        }
    }
}
