package dev.sinapse.api;

/** Makes a {@link Initializer} from its options. Bound by its short key in a Guice module. */
public interface InitializerFactory {
    Initializer create(Options options);

    /** One line for {@code sinapse layers}: what it is and its options. */
    default String help() {
        return "";
    }
}
