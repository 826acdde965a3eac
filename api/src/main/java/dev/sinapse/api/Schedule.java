package dev.sinapse.api;

/** The learning rate at optimizer step t (t counts from 0). A pure function: the step count is the saved state. */
public interface Schedule {
    double rate(long step, double baseRate);
}
