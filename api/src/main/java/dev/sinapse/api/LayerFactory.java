package dev.sinapse.api;

/** Makes a layer from its config entry. Bound by its short type key ("dense") in a Guice module. */
public interface LayerFactory {
    Layer create(LayerContext ctx);

    /** One line for {@code sinapse layers}: what it is and its options. */
    default String help() {
        return "";
    }
}
