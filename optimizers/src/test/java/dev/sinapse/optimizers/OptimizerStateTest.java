package dev.sinapse.optimizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.Matrix;
import dev.sinapse.api.Optimizer;
import dev.sinapse.api.OptimizerFactory;
import dev.sinapse.api.Param;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoint and resume: saving after k steps and continuing in a fresh optimizer must give the same bits as
 * never stopping. The problem is f = Σ w·(θ − c)² over two parameters of different shapes, so the gradients
 * depend on where θ is and any lost state shows up in the parameters.
 */
class OptimizerStateTest {
    private static final double RATE = 0.05;

    /** Each optimizer as a config would make it, with the name of its per-parameter slot (null: none). */
    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("sgd", new Sgd.Factory(), Map.of(), null),
                Arguments.of("momentum", new Momentum.Factory(), Map.of(), "velocity"),
                Arguments.of("momentum", new Momentum.Factory(), Map.of("nesterov", "true"), "velocity"),
                Arguments.of("adam", new Adam.Factory(), Map.of(), "m"),
                Arguments.of("adamw", new AdamW.Factory(), Map.of("weight_decay", "0.1"), "m"),
                Arguments.of("rmsprop", new RmsProp.Factory(), Map.of(), "s"),
                Arguments.of("adagrad", new AdaGrad.Factory(), Map.of("initial_accumulator", "0.1"), "G"));
    }

    static Stream<Arguments> optimizersWithSlots() {
        return optimizers().filter(a -> a.get()[3] != null);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("optimizers")
    void resumingFromSavedStateIsBitwiseIdenticalToNotStopping(String key, OptimizerFactory factory,
            Map<String, String> options, String slot) {
        List<Param> uninterrupted = params();
        Optimizer straight = Fixtures.create(factory, key, options);
        run(straight, uninterrupted, 7);

        List<Param> resumed = params();
        Optimizer first = Fixtures.create(factory, key, options);
        run(first, resumed, 3);
        State saved = deepCopy(first.state());
        Optimizer second = Fixtures.create(factory, key, options);
        second.restore(saved);
        run(second, resumed, 4);

        for (int i = 0; i < resumed.size(); i++) {
            assertThat(resumed.get(i).value()).isEqualTo(uninterrupted.get(i).value());
        }
        assertThat(second.state().getLong("t")).isEqualTo(7);
        assertThat(second.state().tensors().keySet()).isEqualTo(straight.state().tensors().keySet());
        straight.state().tensors().forEach((name, tensor) ->
                assertThat(second.state().tensors().get(name)).as(name).isEqualTo(tensor));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("optimizersWithSlots")
    void savedStateNamesOneSlotPerParameterByIndex(String key, OptimizerFactory factory,
            Map<String, String> options, String slot) {
        Optimizer optimizer = Fixtures.create(factory, key, options);
        assertThat(optimizer.state().tensors()).isEmpty();
        assertThat(optimizer.state().getLong("t")).isZero();
        run(optimizer, params(), 2);
        State state = optimizer.state();
        assertThat(state.getLong("t")).isEqualTo(2);
        assertThat(state.tensor(slot + ".0", 2, 3).allFinite()).isTrue();
        assertThat(state.tensor(slot + ".1", 1, 3).allFinite()).isTrue();
        assertThat(state.tensors()).doesNotContainKey(slot + ".2");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("optimizersWithSlots")
    void stateRestoredAndSavedAgainBeforeAStepIsUnchanged(String key, OptimizerFactory factory,
            Map<String, String> options, String slot) {
        Optimizer first = Fixtures.create(factory, key, options);
        run(first, params(), 3);
        State saved = deepCopy(first.state());
        Optimizer second = Fixtures.create(factory, key, options);
        second.restore(saved);
        State again = second.state();
        assertThat(again.longs()).isEqualTo(saved.longs());
        assertThat(again.tensors()).isEqualTo(saved.tensors());
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("optimizers")
    void stateSavedBeforeTheFirstStepRestoresToAFreshStart(String key, OptimizerFactory factory,
            Map<String, String> options, String slot) {
        List<Param> fresh = params();
        run(Fixtures.create(factory, key, options), fresh, 3);

        List<Param> restored = params();
        Optimizer optimizer = Fixtures.create(factory, key, options);
        optimizer.restore(deepCopy(Fixtures.create(factory, key, options).state()));
        run(optimizer, restored, 3);
        for (int i = 0; i < fresh.size(); i++) {
            assertThat(restored.get(i).value()).isEqualTo(fresh.get(i).value());
        }
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("optimizersWithSlots")
    void restoringOntoAParameterOfAnotherShapeNamesTheTensorAndBothShapes(String key, OptimizerFactory factory,
            Map<String, String> options, String slot) {
        Optimizer first = Fixtures.create(factory, key, options);
        run(first, params(), 2);
        Optimizer second = Fixtures.create(factory, key, options);
        second.restore(deepCopy(first.state()));

        List<Param> reshaped = List.of(new Param("hidden.W", new Matrix(3, 2), true), new Param("hidden.b", new Matrix(1, 3), false));
        assertThatThrownBy(() -> second.step(reshaped, RATE))
                .isInstanceOf(SinapseException.class)
                .hasMessage("saved optimizer tensor '" + slot + ".0' is 2x3, but parameter 'hidden.W' is 3x2");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("optimizersWithSlots")
    void restoringOntoFewerParametersNamesTheExtraTensor(String key, OptimizerFactory factory,
            Map<String, String> options, String slot) {
        Optimizer first = Fixtures.create(factory, key, options);
        run(first, params(), 2);
        Optimizer second = Fixtures.create(factory, key, options);
        second.restore(deepCopy(first.state()));

        List<Param> one = List.of(params().get(0));
        assertThatThrownBy(() -> second.step(one, RATE))
                .isInstanceOf(SinapseException.class)
                .hasMessage("saved optimizer state has 2 '" + slot + "' tensors for 1 parameters; '" + slot
                        + ".1' has no parameter");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("optimizersWithSlots")
    void restoringOntoMoreParametersNamesTheMissingTensor(String key, OptimizerFactory factory,
            Map<String, String> options, String slot) {
        Optimizer first = Fixtures.create(factory, key, options);
        run(first, List.of(params().get(0)), 2);
        Optimizer second = Fixtures.create(factory, key, options);
        second.restore(deepCopy(first.state()));

        assertThatThrownBy(() -> second.step(params(), RATE))
                .isInstanceOf(SinapseException.class)
                .hasMessage("saved optimizer state has no tensor '" + slot + ".1' for parameter 'b' (1x3)");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("optimizersWithSlots")
    void restoringAnotherOptimizersStateNamesTheMissingTensor(String key, OptimizerFactory factory,
            Map<String, String> options, String slot) {
        Optimizer sgd = new Sgd();
        run(sgd, params(), 2);
        Optimizer optimizer = Fixtures.create(factory, key, options);
        optimizer.restore(deepCopy(sgd.state()));
        assertThatThrownBy(() -> optimizer.step(params(), RATE))
                .isInstanceOf(SinapseException.class)
                .hasMessage("saved optimizer state has no tensor '" + slot + ".0' for parameter 'W' (2x3)");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("optimizers")
    void restoringWithoutAStepCountFails(String key, OptimizerFactory factory,
            Map<String, String> options, String slot) {
        Optimizer optimizer = Fixtures.create(factory, key, options);
        assertThatThrownBy(() -> optimizer.restore(new State()))
                .isInstanceOf(SinapseException.class)
                .hasMessage("saved state has no number 't'");
    }

    private static List<Param> params() {
        Param W = new Param("W", Matrix.of(2, 3, 1f, -2f, 0.5f, 3f, 0f, -1f), true);
        Param b = new Param("b", Matrix.of(1, 3, 0.1f, 0.2f, -0.3f), false);
        return List.of(W, b);
    }

    /** k steps on f = Σ w_j·(θ_j − c_j)², with w_j and c_j varying by element: g_j = 2·w_j·(θ_j − c_j). */
    private static void run(Optimizer optimizer, List<Param> params, int k) {
        for (int step = 0; step < k; step++) {
            for (int i = 0; i < params.size(); i++) {
                float[] theta = params.get(i).value().data();
                float[] g = params.get(i).grad().data();
                for (int j = 0; j < theta.length; j++) {
                    double w = 1 + 0.5 * j + i;
                    double c = 0.25 * j - i;
                    g[j] = (float) (2 * w * (theta[j] - c));
                }
            }
            optimizer.step(params, RATE);
        }
    }

    private static State deepCopy(State state) {
        State copy = new State();
        state.longs().forEach(copy::putLong);
        state.doubles().forEach(copy::putDouble);
        new ArrayList<>(state.tensors().entrySet()).forEach(e -> copy.put(e.getKey(), e.getValue().copy()));
        return copy;
    }
}
