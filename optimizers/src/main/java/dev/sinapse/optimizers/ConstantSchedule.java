package dev.sinapse.optimizers;

import dev.sinapse.api.Options;
import dev.sinapse.api.Schedule;
import dev.sinapse.api.ScheduleFactory;

/** α_t = α: the base rate at every step. */
final class ConstantSchedule implements Schedule {
    @Override
    public double rate(long step, double baseRate) {
        return baseRate;
    }

    static final class Factory implements ScheduleFactory {
        @Override
        public Schedule create(Options options) {
            return new ConstantSchedule();
        }

        @Override
        public String help() {
            return "the base rate at every step; no options";
        }
    }
}
