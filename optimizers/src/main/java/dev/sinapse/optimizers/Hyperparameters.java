package dev.sinapse.optimizers;

import dev.sinapse.api.Options;

/** Range checks shared by the factories, so every bad value gets the same kind of one-line message. */
final class Hyperparameters {
    private Hyperparameters() {
    }

    /** A decay rate such as beta1, rho or momentum: 0 ≤ x < 1 (at 1 the average never forgets and Adam divides by 0). */
    static double decayRate(Options options, String key, double fallback) {
        double x = options.getDouble(key, fallback);
        if (!(x >= 0 && x < 1)) {
            throw options.error(key, "must be at least 0 and below 1, got " + x);
        }
        return x;
    }

    /** A strictly positive number such as epsilon, which keeps a division away from 0. */
    static double positive(Options options, String key, double fallback) {
        double x = options.getDouble(key, fallback);
        if (!(x > 0)) {
            throw options.error(key, "must be positive, got " + x);
        }
        return x;
    }

    static double nonNegative(Options options, String key, double fallback) {
        double x = options.getDouble(key, fallback);
        if (!(x >= 0)) {
            throw options.error(key, "must be 0 or more, got " + x);
        }
        return x;
    }

    /** A per-period multiplier of a learning rate: 0 < gamma ≤ 1. */
    static double shrinkFactor(Options options, String key, double fallback) {
        double x = options.getDouble(key, fallback);
        if (!(x > 0 && x <= 1)) {
            throw options.error(key, "must be above 0 and at most 1, got " + x);
        }
        return x;
    }

    /** A required positive integer, e.g. a number of steps. */
    static int requirePositiveInt(Options options, String key) {
        if (!options.has(key)) {
            throw options.error(key, "is required (a positive integer)");
        }
        return options.getPositiveInt(key, 1);
    }
}
