package dev.sinapse.optimizers;

import dev.sinapse.api.Options;
import dev.sinapse.api.Schedule;
import dev.sinapse.api.ScheduleFactory;

/** α_t = α·γ^⌊t / stepSize⌋: the rate drops by a factor γ every stepSize steps (t from 0). */
record StepSchedule(int stepSize, double gamma) implements Schedule {
    @Override
    public double rate(long step, double baseRate) {
        return baseRate * Math.pow(gamma, step / stepSize);
    }

    static final class Factory implements ScheduleFactory {
        @Override
        public Schedule create(Options options) {
            return new StepSchedule(Hyperparameters.requirePositiveInt(options, "step_size"),
                    Hyperparameters.shrinkFactor(options, "gamma", 0.1));
        }

        @Override
        public String help() {
            return "base·gamma^floor(t/step_size); options step_size (required), gamma=0.1";
        }
    }
}
