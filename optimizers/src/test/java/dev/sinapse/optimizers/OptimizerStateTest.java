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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoint and resume: saving after k steps and continuing in a fresh optimizer must give the same bits as
 * never stopping. The problem is f = Σ w·(θ − c)² over two parameters of different shapes, so the gradients
 * depend on where θ is and any lost state shows up in the parameters.
 */
class OptimizerStateTest {
    private static final double RATE = 0.05;

    /** An optimizer as a config would make it, with the name of its per-parameter slot (null: none). */
    record Kind(String key, OptimizerFactory factory, Map<String, String> options, String slot) {
        Optimizer create() {
            return Fixtures.create(factory, key, options);
        }

        /** A fresh optimizer after k steps on {@code params}. */
        Optimizer trained(List<Param> params, int k) {
            Optimizer optimizer = create();
            run(optimizer, params, k);
            return optimizer;
        }

        /** A fresh optimizer restored from a copy of {@code from}'s state. */
        Optimizer restoredFrom(Optimizer from) {
            Optimizer optimizer = create();
            optimizer.restore(deepCopy(from.state()));
            return optimizer;
        }

        @Override
        public String toString() {
            return key + " " + options;
        }
    }

    static Stream<Kind> optimizers() {
        return Stream.of(
                new Kind("sgd", new Sgd.Factory(), Map.of(), null),
                new Kind("momentum", new Momentum.Factory(), Map.of(), "velocity"),
                new Kind("momentum", new Momentum.Factory(), Map.of("nesterov", "true"), "velocity"),
                new Kind("adam", new Adam.Factory(), Map.of(), "m"),
                new Kind("adamw", new AdamW.Factory(), Map.of("weight_decay", "0.1"), "m"),
                new Kind("rmsprop", new RmsProp.Factory(), Map.of(), "s"),
                new Kind("adagrad", new AdaGrad.Factory(), Map.of("initial_accumulator", "0.1"), "G"));
    }

    static Stream<Kind> optimizersWithSlots() {
        return optimizers().filter(k -> k.slot() != null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void resumingFromSavedStateIsBitwiseIdenticalToNotStopping(Kind kind) {
        List<Param> uninterrupted = params();
        Optimizer straight = kind.trained(uninterrupted, 7);

        List<Param> resumed = params();
        Optimizer second = kind.restoredFrom(kind.trained(resumed, 3));
        second.checkRestored(resumed);   // a check on load changes nothing
        run(second, resumed, 4);

        assertSameValues(resumed, uninterrupted);
        assertThat(second.state().getLong("t")).isEqualTo(7);
        assertThat(second.state().tensors().keySet()).isEqualTo(straight.state().tensors().keySet());
        straight.state().tensors().forEach((name, tensor) ->
                assertThat(second.state().tensors().get(name)).as(name).isEqualTo(tensor));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizersWithSlots")
    void savedStateNamesOneSlotPerParameterByIndex(Kind kind) {
        Optimizer optimizer = kind.create();
        assertThat(optimizer.state().tensors()).isEmpty();
        assertThat(optimizer.state().getLong("t")).isZero();
        run(optimizer, params(), 2);
        State state = optimizer.state();
        String slot = kind.slot();
        assertThat(state.getLong("t")).isEqualTo(2);
        assertThat(state.tensor(slot + ".0", 2, 3).allFinite()).isTrue();
        assertThat(state.tensor(slot + ".1", 1, 3).allFinite()).isTrue();
        assertThat(state.tensors()).doesNotContainKey(slot + ".2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizersWithSlots")
    void stateRestoredAndSavedAgainBeforeAStepIsUnchanged(Kind kind) {
        Optimizer first = kind.trained(params(), 3);
        State saved = deepCopy(first.state());
        Optimizer second = kind.restoredFrom(first);
        State again = second.state();
        assertThat(again.longs()).isEqualTo(saved.longs());
        assertThat(again.tensors()).isEqualTo(saved.tensors());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void stateSavedBeforeTheFirstStepRestoresToAFreshStart(Kind kind) {
        List<Param> fresh = params();
        kind.trained(fresh, 3);

        List<Param> restored = params();
        run(kind.restoredFrom(kind.create()), restored, 3);
        assertSameValues(restored, fresh);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizersWithSlots")
    void restoringOntoAParameterOfAnotherShapeNamesTheTensorAndBothShapes(Kind kind) {
        Optimizer second = kind.restoredFrom(kind.trained(params(), 2));
        List<Param> reshaped = List.of(new Param("hidden.W", new Matrix(3, 2), true), new Param("hidden.b", new Matrix(1, 3), false));
        assertStepFails(second, reshaped,
                "saved optimizer tensor '" + kind.slot() + ".0' is 2x3, but parameter 'hidden.W' is 3x2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizersWithSlots")
    void restoringOntoFewerParametersNamesTheExtraTensor(Kind kind) {
        Optimizer second = kind.restoredFrom(kind.trained(params(), 2));
        String slot = kind.slot();
        assertStepFails(second, List.of(params().get(0)),
                "saved optimizer state has 2 '" + slot + "' tensors for 1 parameters; '" + slot + ".1' has no parameter");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizersWithSlots")
    void restoringOntoMoreParametersNamesTheMissingTensor(Kind kind) {
        Optimizer second = kind.restoredFrom(kind.trained(List.of(params().get(0)), 2));
        assertStepFails(second, params(),
                "saved optimizer state has no tensor '" + kind.slot() + ".1' for parameter 'b' (1x3)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizersWithSlots")
    void restoringAnotherOptimizersStateNamesTheMissingTensor(Kind kind) {
        Optimizer sgd = new Sgd();
        run(sgd, params(), 2);
        assertStepFails(kind.restoredFrom(sgd), params(),
                "saved optimizer state has no tensor '" + kind.slot() + ".0' for parameter 'W' (2x3)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void restoringWithoutAStepCountFails(Kind kind) {
        Optimizer optimizer = kind.create();
        assertThatThrownBy(() -> optimizer.restore(new State()))
                .isInstanceOf(SinapseException.class)
                .hasMessage("saved state has no number 't'");
    }

    /** The step fails with {@code message}, and checkRestored finds the same before it, as a resume asks on load. */
    private static void assertStepFails(Optimizer optimizer, List<Param> params, String message) {
        assertThatThrownBy(() -> optimizer.checkRestored(params))
                .isInstanceOf(SinapseException.class)
                .hasMessage(message);
        assertThatThrownBy(() -> optimizer.step(params, RATE))
                .isInstanceOf(SinapseException.class)
                .hasMessage(message);
    }

    private static void assertSameValues(List<Param> actual, List<Param> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i).value()).as(actual.get(i).name()).isEqualTo(expected.get(i).value());
        }
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
