package dev.sinapse.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Initializer;
import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerContext;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Optimizer;
import dev.sinapse.api.Options;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Registry;
import dev.sinapse.api.Rng;
import dev.sinapse.api.Schedule;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every registered type passes, built-ins and plug-ins alike. Extend it with an empty class and every
 * type of {@link #registries()} is checked without a line of test code; by default those are the types bound by the
 * Guice modules that {@code META-INF/services/com.google.inject.Module} names on the test class path, that is, the
 * plug-in's own, found the way the command line finds them.
 * <ul>
 * <li>layers: backward matches finite differences; the state survives save and load; and a layer trained a step,
 * saved (weights and state), restored into a fresh one and trained on continues bitwise the same;</li>
 * <li>activations: the derivative matches finite differences of the function, and the whole-row methods give the
 * value-by-value results bit for bit;</li>
 * <li>losses: the gradient (and the closed form through softmax, if any, when a softmax is registered) matches
 * finite differences;</li>
 * <li>optimizers: a state saved and restored mid-run continues bitwise the same;</li>
 * <li>initializers: fill every element, deterministically from the seed;</li>
 * <li>schedules: give a finite positive rate, the same for the same step.</li>
 * </ul>
 */
public abstract class ContractTest {
    /**
     * Every layer is checked on samples of 2 channels of 4 × 4 (32 features): image layers (conv2d, pooling) need
     * the shape, and the others see 32 features as any other.
     */
    private static final int[] IMAGE = {2, 4, 4};
    private static final int FEATURES = 32;

    private Registries registries;

    /**
     * The types to check: by default the registries of every module on the class path's services file. Override to
     * add modules your types need ({@code TestRegistries.of(new LayersModule(), new MyModule())} for the built-in
     * initializers), or to check another assembly.
     */
    protected Registries registries() {
        return TestRegistries.of(TestRegistries.onClassPath());
    }

    /**
     * Options a type cannot be built without, by key. A type missing here is built with none; if that fails, the test
     * says to add an entry. Values should be minimal, not tuned.
     */
    protected Map<String, Map<String, String>> requiredOptions() {
        return Map.of();
    }

    /** {@link #registries()}, made once per test. */
    protected final Registries checked() {
        if (registries == null) {
            registries = registries();
        }
        return registries;
    }

    @Test
    void somethingIsRegistered() {
        assertThat(checked().all().stream().mapToInt(r -> r.entries().size()).sum())
                .as("types registered; is the module named in META-INF/services/com.google.inject.Module?")
                .isPositive();
    }

    @Test
    void everyEntryOfTheRequiredOptionsNamesARegisteredType() {
        TreeSet<String> all = new TreeSet<>();
        checked().all().forEach(r -> all.addAll(r.entries().keySet()));

        assertThat(all).containsAll(requiredOptions().keySet());
    }

    // ---- layers

    @TestFactory
    Stream<DynamicTest> everyLayerMatchesItsNumericalGradient() {
        return keys(checked().layers()).map(key -> dynamicTest(key, () -> {
            Layer layer = layer(key, 11);
            // spaced inputs: no finite-difference step carries two of them past each other (max-pool's ties)
            GradientCheck.checkLayer(layer, GradientCheck.spaced(4, FEATURES, 12), 2e-2);
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyLayerRestoresItsSavedState() {
        return keys(checked().layers()).map(key -> dynamicTest(key, () -> {
            Layer trained = layer(key, 21);
            for (int i = 0; i < 3; i++) {
                // training passes move whatever state the layer keeps (batch_norm's running statistics)
                trained.forward(GradientCheck.random(8, FEATURES, 30 + i), training(i));
            }
            State saved = copy(trained.state());
            Layer fresh = layer(key, 21);                                         // same seed: same parameters

            fresh.restore(copy(saved));

            assertSame(fresh.state(), saved, "state after restore");
            Matrix X = GradientCheck.random(4, FEATURES, 40);
            assertThat(fresh.forward(X.copy(), inference())).isEqualTo(trained.forward(X.copy(), inference()));
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyLayerContinuesBitwiseTheSameFromItsSavedWeightsAndState() {
        return keys(checked().layers()).map(key -> dynamicTest(key, () -> {
            Layer original = layer(key, 31);
            trainStep(original, 0);
            List<Matrix> weights = original.params().stream().map(p -> p.value().copy()).toList();
            State state = copy(original.state());
            Layer restored = layer(key, 32);                                       // another seed: the restore decides

            for (int i = 0; i < weights.size(); i++) {
                assertThat(restored.params().get(i).name()).isEqualTo(original.params().get(i).name());
                restored.params().get(i).value().setTo(weights.get(i));
            }
            restored.restore(state);
            for (int t = 1; t <= 3; t++) {
                trainStep(original, t);
                trainStep(restored, t);
            }

            for (int i = 0; i < weights.size(); i++) {
                assertThat(restored.params().get(i).value()).as("parameter %s after 3 more steps", original.params().get(i).name())
                        .isEqualTo(original.params().get(i).value());
            }
            assertSame(restored.state(), original.state(), "state after 3 more steps");
            Matrix X = GradientCheck.random(4, FEATURES, 50);
            assertThat(restored.forward(X.copy(), inference())).as("outputs after 3 more steps")
                    .isEqualTo(original.forward(X.copy(), inference()));
        }));
    }

    // ---- activations

    @TestFactory
    Stream<DynamicTest> everyActivationMatchesItsNumericalDerivative() {
        return keys(checked().activations()).map(key -> dynamicTest(key, () -> {
            var f = fromFactory(key, options -> checked().activations().get(key, "activation").create(options));
            GradientCheck.checkActivation(f, GradientCheck.random(4, FEATURES, 12), 1e-2);
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyActivationsWholeRowMethodsGiveItsValueByValueResults() {
        // signed zeros, the smallest subnormal, ordinary values, and the extremes: an override (a branch-free loop) must
        // agree bit for bit with apply and derivative, which layers and kernels are free to call instead
        float[] z = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -1e-30f, 0.5f, -0.5f, 3f, -3f, 40f, -40f,
                Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        return keys(checked().activations()).map(key -> dynamicTest(key, () -> {
            var f = fromFactory(key, options -> checked().activations().get(key, "activation").create(options));
            int n = z.length + 2;   // one value either side that the range [1, n − 1) must leave alone
            float[] in = new float[n], a = new float[n], d = new float[n];
            System.arraycopy(z, 0, in, 1, z.length);
            java.util.Arrays.fill(a, 7f);
            java.util.Arrays.fill(d, -2.5f);
            f.apply(in, a, 1, n - 1);
            f.scaleByDerivative(in, a, d, 1, n - 1);
            assertThat(a[0]).isEqualTo(7f);
            assertThat(a[n - 1]).isEqualTo(7f);
            assertThat(d[0]).isEqualTo(-2.5f);
            assertThat(d[n - 1]).isEqualTo(-2.5f);
            for (int i = 1; i < n - 1; i++) {
                float fz = f.apply(in[i]);
                // bit for bit, but any NaN equals any NaN
                assertThat(Float.floatToIntBits(a[i])).as("f(%s)", in[i]).isEqualTo(Float.floatToIntBits(fz));
                assertThat(Float.floatToIntBits(d[i])).as("-2.5·f'(%s)", in[i])
                        .isEqualTo(Float.floatToIntBits(-2.5f * f.derivative(in[i], fz)));
            }
        }));
    }

    // ---- losses

    @TestFactory
    Stream<DynamicTest> everyLossMatchesItsNumericalGradient() {
        int[] y = {0, 2, 4, 1};
        return keys(checked().losses()).map(key -> dynamicTest(key, () -> {
            Loss loss = fromFactory(key, options -> checked().losses().get(key, "loss").create(options));
            // probability-like outputs in [0.3, 1]: inside the domain of every loss (log, squares)
            Matrix A = GradientCheck.random(4, FEATURES, 50);
            A.scaleInPlace(0.35f);
            for (int i = 0; i < A.size(); i++) {
                A.data()[i] += 0.65f;
            }
            GradientCheck.checkLoss(loss, A, y, 1e-2);
            if (loss.gradientThroughSoftmax(A.copy(), y).isPresent() && checked().layers().find("softmax").isPresent()) {
                GradientCheck.checkThroughSoftmax(loss, layer("softmax", 0), GradientCheck.random(4, FEATURES, 51), y, 1e-2);
            }
        }));
    }

    // ---- optimizers

    @TestFactory
    Stream<DynamicTest> everyOptimizerContinuesBitwiseTheSameFromItsSavedState() {
        return keys(checked().optimizers()).flatMap(key -> Stream.of(0, 3).map(split -> dynamicTest(key + " saved after " + split + " steps", () -> {
            List<Param> params = List.of(new Param("w", GradientCheck.random(3, 4, 60), true),
                    new Param("b", GradientCheck.random(1, 4, 61), false));
            Optimizer first = optimizer(key);
            for (int t = 0; t < split; t++) {
                step(first, params, t);
            }
            State saved = copy(first.state());
            List<Param> copies = new ArrayList<>();
            for (Param p : params) {
                copies.add(new Param(p.name(), p.value().copy(), p.decays()));
            }
            Optimizer second = optimizer(key);
            second.restore(saved);
            Matrix before = params.get(0).value().copy();

            for (int t = split; t < split + 3; t++) {
                step(first, params, t);
                step(second, copies, t);
            }

            assertThat(params.get(0).value()).as("the optimizer moved the weights").isNotEqualTo(before);
            for (int i = 0; i < params.size(); i++) {
                assertThat(copies.get(i).value()).isEqualTo(params.get(i).value());
            }
            assertSame(second.state(), first.state(), "optimizer state");
        })));
    }

    // ---- initializers

    @TestFactory
    Stream<DynamicTest> everyInitializerFillsEveryElementDeterministicallyFromTheSeed() {
        return keys(checked().initializers()).map(key -> dynamicTest(key, () -> {
            Initializer init = fromFactory(key, options -> checked().initializers().get(key, "initializer").create(options));
            Matrix a = nans(6, FEATURES), b = nans(6, FEATURES);
            Rng ra = new Rng(7), rb = new Rng(7);

            init.fill(a, FEATURES, 6, ra);
            init.fill(b, FEATURES, 6, rb);

            assertThat(a.allFinite()).as("every element written, none NaN or infinite: %s", a).isTrue();
            assertThat(b).isEqualTo(a);
            assertThat(rb.state()).isEqualTo(ra.state());
        }));
    }

    // ---- schedules

    @TestFactory
    Stream<DynamicTest> everyScheduleGivesAFinitePositiveRateThatDependsOnlyOnTheStep() {
        return keys(checked().schedules()).map(key -> dynamicTest(key, () -> {
            Schedule schedule = fromFactory(key, options -> checked().schedules().get(key, "schedule").create(options));
            for (long t : new long[] {0, 1, 5, 50}) {
                double rate = schedule.rate(t, 0.1);
                assertThat(rate).as("rate at step %d", t).isFinite().isPositive();
                schedule.rate(t + 7, 0.1);
                assertThat(schedule.rate(t, 0.1)).as("rate at step %d asked again", t).isEqualTo(rate);
            }
        }));
    }

    // ---- helpers

    private static Stream<String> keys(Registry<?> registry) {
        return registry.entries().keySet().stream();
    }

    /** One layer of type {@code key} named "subject" on {@link #IMAGE} inputs, built from its required options. */
    private Layer layer(String key, long seed) {
        return create(key, given -> {
            Options options = new Options("layer 'subject' (" + key + ")", given);
            Layer made = checked().layers().get(key, "layer").create(
                    new LayerContext("subject", IMAGE, options, new Rng(seed), checked().initializers()));
            options.requireAllUsed();
            assertThat(made.inputSize()).as("input size of '%s'", key).isEqualTo(FEATURES);
            return made;
        });
    }

    private Optimizer optimizer(String key) {
        return fromFactory(key, options -> checked().optimizers().get(key, "optimizer").create(options));
    }

    /** Builds {@code key} with its entry of {@link #requiredOptions()}, or none; a failure says what to add. */
    private <T> T create(String key, Function<Map<String, String>, T> make) {
        Map<String, String> given = requiredOptions().getOrDefault(key, Map.of());
        try {
            return make.apply(given);
        } catch (SinapseException e) {
            return fail("'%s' cannot be built with %s: %s%nIf it needs options, return its minimal ones from "
                    + "requiredOptions().", key, given.isEmpty() ? "no options" : "options " + given, e.getMessage());
        }
    }

    /** {@link #create} through a factory that reads {@link Options}, rejecting options it did not read. */
    private <T> T fromFactory(String key, Function<Options, T> factory) {
        return create(key, given -> {
            Options options = new Options("'" + key + "'", given);
            T made = factory.apply(options);
            options.requireAllUsed();
            return made;
        });
    }

    /**
     * One training step of a layer on its own: L = Σ R ⊙ Y for a fixed random R (so dL/dY = R), then θ ← θ − 0.1·g.
     * Its inputs and its pass's generator depend only on {@code t}, so two layers in the same state step the same.
     */
    private static void trainStep(Layer layer, int t) {
        Matrix X = GradientCheck.random(8, FEATURES, 100 + t);
        Matrix Y = layer.forward(X, training(t));
        layer.backward(GradientCheck.randomLike(Y, 200 + t), training(t));
        for (Param p : layer.params()) {
            p.value().addScaledInPlace(-0.1f, p.grad());
        }
    }

    private static Pass training(long seed) {
        return Pass.training(Compute.serial(), new Rng(1000 + seed));
    }

    private static Pass inference() {
        return Pass.inference(Compute.serial());
    }

    /** A deep copy, as a checkpoint holds it: nothing shared with the owner, which goes on changing its own. */
    private static State copy(State s) {
        State c = new State();
        s.tensors().forEach((name, m) -> c.put(name, m.copy()));
        s.longs().forEach(c::putLong);
        s.doubles().forEach(c::putDouble);
        return c;
    }

    private static void assertSame(State actual, State expected, String what) {
        assertThat(actual.tensors()).as(what + ": tensors").isEqualTo(expected.tensors());
        assertThat(actual.longs()).as(what + ": integers").isEqualTo(expected.longs());
        assertThat(actual.doubles()).as(what + ": numbers").isEqualTo(expected.doubles());
    }

    /** Gradients that depend only on the step and the parameter, so two optimizers see the same ones. */
    private static void step(Optimizer optimizer, List<Param> params, int t) {
        for (int i = 0; i < params.size(); i++) {
            Matrix g = params.get(i).grad();
            g.setTo(GradientCheck.random(g.rows(), g.cols(), 1000 + 10L * t + i));
        }
        optimizer.step(params, 0.01);
    }

    private static Matrix nans(int rows, int cols) {
        Matrix M = new Matrix(rows, cols);
        M.fill(Float.NaN);
        return M;
    }
}
