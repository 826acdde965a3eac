package dev.sinapse.api;

/** Makes a {@link Schedule} from its options. Bound by its short key in a Guice module. */
public interface ScheduleFactory {
    Schedule create(Options options);

    /** One line for {@code sinapse layers}: what it is and its options. */
    default String help() {
        return "";
    }
}
