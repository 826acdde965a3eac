package dev.sinapse.optimizers;

import dev.sinapse.api.Optimizer;
import static dev.sinapse.optimizers.Fixtures.grad;
import static dev.sinapse.optimizers.Fixtures.param;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Param;
import dev.sinapse.testkit.TwoThreads;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamTest {
    @Test
    void stepsOnTwoThreadsGiveTheBitsOfTheSerialStep() {
        // a parameter of several slices, then two small ones that share its last slice; the slices are taken by two
        // threads from the last down
        int[] sizes = {ElementSlices.SLICE * 2 + 123, 5, 7};
        java.util.Random r = new java.util.Random(7);
        float[][] start = new float[sizes.length][];
        for (int p = 0; p < sizes.length; p++) {
            start[p] = new float[sizes[p]];
            for (int i = 0; i < sizes[p]; i++) {
                start[p][i] = (float) r.nextGaussian();
            }
        }
        List<Param> serial = List.of(param("w", true, start[0].clone()), param("u", false, start[1].clone()),
                param("v", false, start[2].clone()));
        List<Param> threaded = List.of(param("w", true, start[0].clone()), param("u", false, start[1].clone()),
                param("v", false, start[2].clone()));
        Optimizer one = Fixtures.create(new Adam.Factory(), "adam", Map.of());
        Optimizer two = Fixtures.create(new Adam.Factory(), "adam", Map.of());
        for (int step = 0; step < 3; step++) {
            for (int p = 0; p < sizes.length; p++) {
                float[] g = new float[sizes[p]];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) r.nextGaussian();
                }
                grad(serial.get(p), g);
                grad(threaded.get(p), g);
            }
            one.step(serial, 0.01);
            two.step(threaded, 0.01, new TwoThreads());
        }
        for (int p = 0; p < sizes.length; p++) {
            assertThat(threaded.get(p).value().data()).containsExactly(serial.get(p).value().data());
            // every element moved, once per step: no slice was skipped or run twice
            for (int i = 0; i < sizes[p]; i++) {
                assertThat(threaded.get(p).value().data()[i]).as("param %d, element %d", p, i).isNotEqualTo(start[p][i]);
            }
        }
    }

    @Test
    void twoStepsWithBiasCorrectionAtT1AndT2() {
        Optimizer adam = Fixtures.create(new Adam.Factory(), "adam", Map.of()); // β1 0.9, β2 0.999, ε 1e-8
        Param a = param("a", true, 1f);
        Param b = param("b", false, 0f);
        List<Param> params = List.of(a, b);

        // t = 1, α = 0.1, g_a = 0.5:
        //   m = 0.1·0.5 = 0.05,   v = 0.001·0.25 = 0.00025
        //   m̂ = 0.05/(1 − 0.9) = 0.5,   v̂ = 0.00025/(1 − 0.999) = 0.25,   √v̂ = 0.5
        //   θ = 1 − 0.1·0.5/(0.5 + 1e-8) = 0.900000002  (the first step is α·sign(g))
        // g_b = 0: m = v = 0, the step is 0/(0 + ε) = 0, θ stays 0.
        grad(a, 0.5f);
        grad(b, 0f);
        adam.step(params, 0.1);
        assertThat(a.value().get(0, 0)).isCloseTo(0.9f, within(1e-6f));
        assertThat(b.value().get(0, 0)).isEqualTo(0f);

        // t = 2, g_a = −1:
        //   m = 0.9·0.05 + 0.1·(−1) = −0.055,   v = 0.999·0.00025 + 0.001·1 = 0.00124975
        //   m̂ = −0.055/(1 − 0.81) = −0.055/0.19 = −0.2894737
        //   v̂ = 0.00124975/(1 − 0.998001) = 0.00124975/0.001999 = 0.6251876,   √v̂ = 0.7906881
        //   θ = 0.9 − 0.1·(−0.2894737/0.7906881) = 0.9 + 0.0366104 = 0.9366104
        grad(a, -1f);
        grad(b, 0f);
        adam.step(params, 0.1);
        assertThat(a.value().get(0, 0)).isCloseTo(0.9366104f, within(1e-6f));
        assertThat(adam.state().getLong("t")).isEqualTo(2);
        assertThat(adam.state().tensors().get("m.0").get(0, 0)).isCloseTo(-0.055f, within(1e-8f));
        assertThat(adam.state().tensors().get("v.0").get(0, 0)).isCloseTo(0.00124975f, within(1e-9f));
    }

    @Test
    void optionsChangeTheMoments() {
        // β1 = 0.5, β2 = 0.75, α = 1, g = 2 at t = 1:  m = 1, v = 1, m̂ = 1/0.5 = 2, v̂ = 1/0.25 = 4
        // ε = 1: θ = 0 − 2/(2 + 1) = −2/3
        Optimizer adam = Fixtures.create(new Adam.Factory(), "adam",
                Map.of("beta1", "0.5", "beta2", "0.75", "epsilon", "1"));
        Param a = param("a", true, 0f);
        grad(a, 2f);
        adam.step(List.of(a), 1.0);
        assertThat(a.value().get(0, 0)).isCloseTo(-2f / 3f, within(1e-6f));
    }

    @Test
    void convergesOnLeastSquares() {
        Optimizer adam = Fixtures.create(new Adam.Factory(), "adam", Map.of());
        LeastSquares.assertAtMinimum(LeastSquares.minimize(adam, 0.01, 3000), 1e-3);
    }
}
