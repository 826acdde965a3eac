package dev.sinapse.optimizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Optimizer;
import dev.sinapse.api.Param;
import dev.sinapse.api.Schedule;
import java.util.List;

/**
 * A small convex problem for convergence tests: f(θ) = ½‖Aθ − b‖², ∇f = Aᵀ(Aθ − b), with
 * A = [[2, 1], [1, 3]], b = [1, 2]. A is invertible (det 5, A⁻¹ = [[3, −1], [−1, 2]]/5), so the minimum is
 * θ* = A⁻¹b = [(3 − 2)/5, (−1 + 4)/5] = [0.2, 0.6]. The Hessian AᵀA has eigenvalues ≈ 13.1 and 1.9.
 */
final class LeastSquares {
    static final double[] THETA_STAR = {0.2, 0.6};
    private static final double[][] A = {{2, 1}, {1, 3}};
    private static final double[] B = {1, 2};

    private LeastSquares() {
    }

    /** Runs {@code steps} steps from θ = [−1, 2] at a constant rate and returns θ. */
    static double[] minimize(Optimizer optimizer, double rate, int steps) {
        return minimize(optimizer, new ConstantSchedule(), rate, steps);
    }

    /** Runs {@code steps} steps from θ = [−1, 2] with the rate the schedule gives, and returns θ. */
    static double[] minimize(Optimizer optimizer, Schedule schedule, double baseRate, int steps) {
        Param theta = Fixtures.param("theta", true, -1f, 2f);
        for (int t = 0; t < steps; t++) {
            gradient(theta);
            optimizer.step(List.of(theta), schedule.rate(t, baseRate));
        }
        float[] x = theta.value().data();
        return new double[] {x[0], x[1]};
    }

    /** θ is within {@code tolerance} of θ* in each coordinate. */
    static void assertAtMinimum(double[] theta, double tolerance) {
        assertThat(theta[0]).as("θ[0]").isCloseTo(THETA_STAR[0], within(tolerance));
        assertThat(theta[1]).as("θ[1]").isCloseTo(THETA_STAR[1], within(tolerance));
    }

    private static void gradient(Param theta) {
        float[] x = theta.value().data();
        double[] r = new double[2];
        for (int i = 0; i < 2; i++) {
            r[i] = A[i][0] * x[0] + A[i][1] * x[1] - B[i];
        }
        float[] g = theta.grad().data();
        for (int j = 0; j < 2; j++) {
            g[j] = (float) (A[0][j] * r[0] + A[1][j] * r[1]);
        }
    }
}
