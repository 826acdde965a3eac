package dev.sinapse.layers;

import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.SameSize;
import dev.sinapse.api.State;
import java.util.List;

/**
 * Batch normalization (Ioffe and Szegedy, 2015), per feature j over the m rows of a training batch:
 *   μ = Σ_i X[i,j] / m,   σ² = Σ_i (X[i,j] − μ)² / m,   X̂ = (X − μ) / √(σ² + ε),   Y = γ ⊙ X̂ + β.
 *   X, X̂, Y: m × n;  μ, σ², γ, β: 1 × n.
 * Backward: dγ = Σ_i dY ⊙ X̂,  dβ = Σ_i dY,  dX̂ = dY ⊙ γ,
 *   dX = (dX̂ − mean_i dX̂ − X̂ ⊙ mean_i(dX̂ ⊙ X̂)) / √(σ² + ε).
 * Each training forward also moves the running statistics, running ← momentum·running + (1 − momentum)·batch
 * (the biased σ², as Keras does); inference normalizes with them instead, so its dX is just dX̂ / √(running σ² + ε).
 * The running statistics are not trained, so they are checkpoint state rather than parameters.
 */
final class BatchNorm implements SameSize {
    private final Id id;
    private final float momentum;
    private final float epsilon;
    private final Param gamma;
    private final Param beta;
    private final Matrix runningMean;
    private final Matrix runningVar;
    private Matrix Xhat;
    private float[] invStd; // 1/√(σ² + ε) per feature, from the batch or the running σ²
    private boolean batchStatistics;

    BatchNorm(String name, int n, float momentum, float epsilon) {
        this(new Id(name, n), momentum, epsilon);
    }

    /** Per feature: an image input is normalized per pixel of each channel, and keeps its shape. */
    BatchNorm(Id id, float momentum, float epsilon) {
        String name = id.name();
        int n = id.size();
        this.id = id;
        this.momentum = momentum;
        this.epsilon = epsilon;
        Matrix ones = new Matrix(1, n);
        ones.fill(1f);
        this.gamma = new Param(name + ".gamma", ones, false);
        this.beta = new Param(name + ".beta", new Matrix(1, n), false);
        this.runningMean = new Matrix(1, n);
        this.runningVar = new Matrix(1, n);
        this.runningVar.fill(1f);
    }

    @Override
    public Id id() {
        return id;
    }

    @Override
    public List<Param> params() {
        return List.of(gamma, beta);
    }

    /**
     * Inference, with the running statistics: (x − μ)·invStd·γ + β, four per value (the per-feature invStd is not
     * counted per sample).
     */
    @Override
    public long forwardFlopsPerSample() {
        return 4L * outputSize();
    }

    @Override
    public Matrix forward(Matrix X, Pass pass) {
        Inputs.requireWidth(this, "batch_norm", X);
        int m = X.rows(), n = id.size();
        float[] x = X.data();
        float[] mu = new float[n];
        invStd = new float[n];
        batchStatistics = pass.training();
        for (int j = 0; j < n; j++) {
            if (batchStatistics) {
                double sum = 0;
                for (int i = 0; i < m; i++) {
                    sum += x[i * n + j];
                }
                double mean = sum / m;
                double squares = 0;
                for (int i = 0; i < m; i++) {
                    double d = x[i * n + j] - mean;
                    squares += d * d;
                }
                double var = squares / m;
                mu[j] = (float) mean;
                invStd[j] = (float) (1.0 / Math.sqrt(var + epsilon));
                runningMean.data()[j] = (float) (momentum * runningMean.data()[j] + (1 - momentum) * mean);
                runningVar.data()[j] = (float) (momentum * runningVar.data()[j] + (1 - momentum) * var);
            } else {
                mu[j] = runningMean.data()[j];
                invStd[j] = (float) (1.0 / Math.sqrt(runningVar.data()[j] + epsilon));
            }
        }
        Xhat = new Matrix(m, n);
        Matrix Y = new Matrix(m, n);
        float[] xh = Xhat.data(), y = Y.data(), g = gamma.value().data(), b = beta.value().data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                xh[k] = (x[k] - mu[j]) * invStd[j];
                y[k] = g[j] * xh[k] + b[j];
            }
        }
        return Y;
    }

    @Override
    public Matrix backward(Matrix dY, Pass pass) {
        int m = dY.rows(), n = id.size();
        float[] dy = dY.data(), xh = Xhat.data(), g = gamma.value().data();
        float[] dg = gamma.grad().data(), db = beta.grad().data();
        double[] meanDXhat = new double[n], meanDXhatXhat = new double[n];
        for (int j = 0; j < n; j++) {
            double sg = 0, sb = 0;
            for (int i = 0; i < m; i++) {
                int k = i * n + j;
                sg += (double) dy[k] * xh[k];
                sb += dy[k];
            }
            dg[j] = (float) sg;
            db[j] = (float) sb;
            meanDXhat[j] = g[j] * sb / m;
            meanDXhatXhat[j] = g[j] * sg / m;
        }
        if (!pass.inputGradient()) {
            return null;
        }
        Matrix dX = new Matrix(m, n);
        float[] dx = dX.data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                double dXhat = (double) dy[k] * g[j];
                dx[k] = (float) (batchStatistics
                        ? (dXhat - meanDXhat[j] - xh[k] * meanDXhatXhat[j]) * invStd[j]
                        : dXhat * invStd[j]);
            }
        }
        return dX;
    }

    /** Copies of the running statistics, 1 × n each. */
    @Override
    public State state() {
        return new State().put("running_mean", runningMean.copy()).put("running_var", runningVar.copy());
    }

    @Override
    public void restore(State state) {
        Matrix mean = state.tensor("running_mean", 1, id.size());
        Matrix var = state.tensor("running_var", 1, id.size());
        runningMean.setTo(mean);
        runningVar.setTo(var);
    }

    /** Options: momentum in [0, 1] (default 0.9), epsilon > 0 (default 1e-5). */
    static final class Factory implements LayerFactory {
        @Override
        public Layer create(LayerContext ctx) {
            Options options = ctx.options();
            double momentum = options.getDouble("momentum", 0.9, 0.0, 1.0);
            double epsilon = options.getDouble("epsilon", 1e-5);
            if (epsilon <= 0) {
                throw options.error("epsilon", "must be positive, got " + epsilon);
            }
            return new BatchNorm(Id.of(ctx), (float) momentum, (float) epsilon);
        }

        @Override
        public String help() {
            return "per-feature batch normalization with learned gamma/beta; options: momentum (running statistics, default 0.9), epsilon (default 1e-5)";
        }
    }
}
