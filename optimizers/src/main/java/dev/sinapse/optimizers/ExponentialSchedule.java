package dev.sinapse.optimizers;

import dev.sinapse.api.Options;
import dev.sinapse.api.Schedule;
import dev.sinapse.api.ScheduleFactory;

/** α_t = α·γ^t: the rate shrinks by a factor γ every step (t from 0). */
record ExponentialSchedule(double gamma) implements Schedule {
    @Override
    public double rate(long step, double baseRate) {
        return baseRate * Math.pow(gamma, step);
    }

    static final class Factory implements ScheduleFactory {
        @Override
        public Schedule create(Options options) {
            return new ExponentialSchedule(Hyperparameters.shrinkFactor(options, "gamma", 0.99));
        }

        @Override
        public String help() {
            return "base·gamma^t; options gamma=0.99";
        }
    }
}
