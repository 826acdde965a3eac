package dev.sinapse.api;

/** What a layer factory gets: the entry's name and options, the size of its input, and the means to initialize. */
public final class LayerContext {
    private final String name;
    private final int inputSize;
    private final Options options;
    private final Rng rng;
    private final Registry<InitializerFactory> initializers;

    public LayerContext(String name, int inputSize, Options options, Rng rng, Registry<InitializerFactory> initializers) {
        this.name = name;
        this.inputSize = inputSize;
        this.options = options;
        this.rng = rng;
        this.initializers = initializers;
    }

    public String name() {
        return name;
    }

    public int inputSize() {
        return inputSize;
    }

    public Options options() {
        return options;
    }

    /** The generator for initial values; the build draws from it in layer order. */
    public Rng rng() {
        return rng;
    }

    /** Reads option {@code key} as an initializer spec ("he", "uniform(low=-0.5, high=0.5)"), or the fallback. */
    public Initializer initializer(String key, String fallback) {
        String text = options.getString(key, fallback);
        Spec spec = Spec.parse(text, options.where() + ": option '" + key + "'");
        Initializer init = initializers.get(spec.type(), options.where() + ": option '" + key + "'").create(spec.options());
        spec.options().requireAllUsed();
        return init;
    }
}
