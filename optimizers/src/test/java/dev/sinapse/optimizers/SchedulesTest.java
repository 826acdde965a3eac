package dev.sinapse.optimizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Options;
import dev.sinapse.api.Schedule;
import dev.sinapse.api.ScheduleFactory;
import dev.sinapse.api.SinapseException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulesTest {
    private static Schedule create(ScheduleFactory factory, String key, Map<String, String> options) {
        Options o = new Options("schedule '" + key + "'", options);
        Schedule schedule = factory.create(o);
        o.requireAllUsed();
        return schedule;
    }

    @Test
    void constantGivesTheBaseRateAtEveryStep() {
        Schedule s = create(new ConstantSchedule.Factory(), "constant", Map.of());
        assertThat(s.rate(0, 0.3)).isEqualTo(0.3);
        assertThat(s.rate(1_000_000, 0.3)).isEqualTo(0.3);
    }

    @Test
    void stepDropsByGammaEveryStepSizeSteps() {
        Schedule s = create(new StepSchedule.Factory(), "step", Map.of("step_size", "10", "gamma", "0.5"));
        // 0.2·0.5^⌊t/10⌋
        assertThat(s.rate(0, 0.2)).isCloseTo(0.2, within(1e-15));
        assertThat(s.rate(9, 0.2)).isCloseTo(0.2, within(1e-15));
        assertThat(s.rate(10, 0.2)).isCloseTo(0.1, within(1e-15));
        assertThat(s.rate(25, 0.2)).isCloseTo(0.05, within(1e-15));
        assertThat(s.rate(30, 0.2)).isCloseTo(0.025, within(1e-15));
    }

    @Test
    void stepDefaultsGammaToOneTenth() {
        Schedule s = create(new StepSchedule.Factory(), "step", Map.of("step_size", "3"));
        // 1·0.1^⌊7/3⌋ = 0.01
        assertThat(s.rate(2, 1.0)).isCloseTo(1.0, within(1e-15));
        assertThat(s.rate(7, 1.0)).isCloseTo(0.01, within(1e-15));
    }

    @Test
    void exponentialMultipliesByGammaEveryStep() {
        Schedule s = create(new ExponentialSchedule.Factory(), "exponential", Map.of("gamma", "0.5"));
        assertThat(s.rate(0, 0.8)).isCloseTo(0.8, within(1e-15));
        assertThat(s.rate(3, 0.8)).isCloseTo(0.1, within(1e-15)); // 0.8/8
        Schedule byDefault = create(new ExponentialSchedule.Factory(), "exponential", Map.of());
        assertThat(byDefault.rate(2, 1.0)).isCloseTo(0.9801, within(1e-12)); // 0.99²
    }

    @Test
    void cosineFallsFromBaseToMinimumAndStaysThere() {
        Schedule s = create(new CosineSchedule.Factory(), "cosine", Map.of("total_steps", "100", "min_rate", "0.01"));
        // 0.01 + 0.1·(1 + cos(π·t/100))/2 with base 0.11
        assertThat(s.rate(0, 0.11)).isCloseTo(0.11, within(1e-12));
        assertThat(s.rate(25, 0.11)).isCloseTo(0.01 + 0.1 * (1 + Math.sqrt(0.5)) / 2, within(1e-12)); // 0.0953553
        assertThat(s.rate(50, 0.11)).isCloseTo(0.06, within(1e-12));
        assertThat(s.rate(100, 0.11)).isCloseTo(0.01, within(1e-12));
        assertThat(s.rate(150, 0.11)).isCloseTo(0.01, within(1e-12));
        Schedule toZero = create(new CosineSchedule.Factory(), "cosine", Map.of("total_steps", "4"));
        assertThat(toZero.rate(2, 1.0)).isCloseTo(0.5, within(1e-12));
        assertThat(toZero.rate(4, 1.0)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void missingRequiredStepsAreNamed() {
        assertThatThrownBy(() -> create(new CosineSchedule.Factory(), "cosine", Map.of()))
                .isInstanceOf(SinapseException.class)
                .hasMessage("schedule 'cosine': option 'total_steps' is required (a positive integer)");
        assertThatThrownBy(() -> create(new StepSchedule.Factory(), "step", Map.of("gamma", "0.5")))
                .isInstanceOf(SinapseException.class)
                .hasMessage("schedule 'step': option 'step_size' is required (a positive integer)");
        assertThatThrownBy(() -> create(new StepSchedule.Factory(), "step", Map.of("step_size", "0")))
                .isInstanceOf(SinapseException.class)
                .hasMessage("schedule 'step': option 'step_size' must be a positive integer, got 0");
    }

    @Test
    void gammaOutsideZeroToOneIsRejected() {
        assertThatThrownBy(() -> create(new ExponentialSchedule.Factory(), "exponential", Map.of("gamma", "1.5")))
                .isInstanceOf(SinapseException.class)
                .hasMessage("schedule 'exponential': option 'gamma' must be above 0 and at most 1, got 1.5");
    }
}
