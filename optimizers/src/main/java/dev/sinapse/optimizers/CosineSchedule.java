package dev.sinapse.optimizers;

import dev.sinapse.api.Options;
import dev.sinapse.api.Schedule;
import dev.sinapse.api.ScheduleFactory;

/**
 * Cosine annealing without restarts (Loshchilov &amp; Hutter, "SGDR", ICLR 2017):
 * α_t = α_min + (α − α_min)·(1 + cos(π·min(t, T)/T))/2. Falls from α at t = 0 to α_min at t = T, then stays there.
 */
record CosineSchedule(long totalSteps, double minRate) implements Schedule {
    @Override
    public double rate(long step, double baseRate) {
        double progress = (double) Math.min(step, totalSteps) / totalSteps;
        return minRate + (baseRate - minRate) * (1 + Math.cos(Math.PI * progress)) / 2;
    }

    static final class Factory implements ScheduleFactory {
        @Override
        public Schedule create(Options options) {
            return new CosineSchedule(Hyperparameters.requirePositiveInt(options, "total_steps"),
                    Hyperparameters.nonNegative(options, "min_rate", 0));
        }

        @Override
        public String help() {
            return "cosine from base down to min_rate over total_steps; options total_steps (required), min_rate=0";
        }
    }
}
