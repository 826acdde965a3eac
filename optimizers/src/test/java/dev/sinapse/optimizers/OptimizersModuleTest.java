package dev.sinapse.optimizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.sinapse.api.OptimizerFactory;
import dev.sinapse.api.Options;
import dev.sinapse.api.ScheduleFactory;
import dev.sinapse.api.SinapseException;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class OptimizersModuleTest {
    private final Injector injector = Guice.createInjector(new OptimizersModule());
    private final Map<String, OptimizerFactory> optimizers =
            injector.getInstance(Key.get(new TypeLiteral<Map<String, OptimizerFactory>>() {}));
    private final Map<String, ScheduleFactory> schedules =
            injector.getInstance(Key.get(new TypeLiteral<Map<String, ScheduleFactory>>() {}));

    /** Every documented option of every key, with a legal non-default value. */
    private static final Map<String, Map<String, String>> OPTIMIZER_OPTIONS = Map.of(
            "sgd", Map.of(),
            "momentum", Map.of("momentum", "0.8", "nesterov", "true"),
            "adam", Map.of("beta1", "0.8", "beta2", "0.99", "epsilon", "1e-7"),
            "adamw", Map.of("beta1", "0.8", "beta2", "0.99", "epsilon", "1e-7", "weight_decay", "0.1"),
            "rmsprop", Map.of("rho", "0.95", "epsilon", "1e-7"),
            "adagrad", Map.of("epsilon", "1e-8", "initial_accumulator", "0.1"));
    private static final Map<String, Map<String, String>> SCHEDULE_OPTIONS = Map.of(
            "constant", Map.of(),
            "step", Map.of("step_size", "5", "gamma", "0.5"),
            "exponential", Map.of("gamma", "0.9"),
            "cosine", Map.of("total_steps", "100", "min_rate", "0.001"));

    @Test
    void injectorGivesEveryOptimizerAndSchedule() {
        assertThat(optimizers).containsOnlyKeys("sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad");
        assertThat(schedules).containsOnlyKeys("constant", "step", "exponential", "cosine");
    }

    @Test
    void everyOptimizerReadsEveryOptionItsHelpLists() {
        assertEveryKeyReadsEveryOptionItsHelpLists("optimizer", optimizers, OPTIMIZER_OPTIONS,
                OptimizerFactory::create, OptimizerFactory::help, "=");
    }

    @Test
    void everyScheduleReadsEveryOptionItsHelpLists() {
        // a schedule's required options have no default to show: "total_steps (required)"
        assertEveryKeyReadsEveryOptionItsHelpLists("schedule", schedules, SCHEDULE_OPTIONS,
                ScheduleFactory::create, ScheduleFactory::help, "");
    }

    /**
     * Creates every key's factory with the given options as a config would; every option must be read, and the
     * one-line help must show each one as {@code option + shownAs}. The options cover exactly the bound keys.
     */
    private static <F> void assertEveryKeyReadsEveryOptionItsHelpLists(String kind, Map<String, F> factories,
            Map<String, Map<String, String>> optionsByKey, BiFunction<F, Options, ?> create, Function<F, String> help,
            String shownAs) {
        optionsByKey.forEach((key, options) -> {
            Options o = new Options(kind + " '" + key + "'", options);
            assertThat(create.apply(factories.get(key), o)).as(key).isNotNull();
            o.requireAllUsed();
            String text = help.apply(factories.get(key));
            assertThat(text).as(key).isNotBlank().doesNotContain("\n");
            options.keySet().forEach(option -> assertThat(text).as(key).contains(option + shownAs));
        });
        assertThat(optionsByKey.keySet()).isEqualTo(factories.keySet());
    }

    @Test
    void misspelledOptionIsCaughtAfterCreate() {
        Options o = new Options("optimizer 'adam'", Map.of("beta_1", "0.8"));
        optimizers.get("adam").create(o);
        assertThatThrownBy(o::requireAllUsed)
                .isInstanceOf(SinapseException.class)
                .hasMessageStartingWith("optimizer 'adam': unknown option 'beta_1' (did you mean 'beta1'?)");
    }

    @Test
    void outOfRangeOptionsAreNamedWithTheRange() {
        for (List<String> c : List.of(
                List.of("adam", "beta1", "1", "must be at least 0 and below 1, got 1.0"),
                List.of("adamw", "beta2", "-0.1", "must be at least 0 and below 1, got -0.1"),
                List.of("momentum", "momentum", "1.5", "must be at least 0 and below 1, got 1.5"),
                List.of("rmsprop", "epsilon", "0", "must be positive, got 0.0"),
                List.of("adamw", "weight_decay", "-1", "must be 0 or more, got -1.0"),
                List.of("adagrad", "initial_accumulator", "-1", "must be 0 or more, got -1.0"),
                List.of("momentum", "nesterov", "yes", "must be true or false, got 'yes'"))) {
            Options o = new Options("optimizer '" + c.get(0) + "'", Map.of(c.get(1), c.get(2)));
            assertThatThrownBy(() -> optimizers.get(c.get(0)).create(o))
                    .isInstanceOf(SinapseException.class)
                    .hasMessage("optimizer '" + c.get(0) + "': option '" + c.get(1) + "' " + c.get(3));
        }
    }
}
