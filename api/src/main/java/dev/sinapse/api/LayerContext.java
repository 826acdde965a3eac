package dev.sinapse.api;

/**
 * What a layer factory gets: the entry's name and options, the shape of its input, and the means to initialize.
 * The input shape is one sample's: {features} when flat, {channels, height, width} for images (rows hold the pixels
 * channel by channel, each channel row-major).
 */
public final class LayerContext {
    private final String name;
    private final int[] inputShape;
    private final Options options;
    private final Rng rng;
    private final Registry<InitializerFactory> initializers;

    /** A flat input of {@code inputSize} features. */
    public LayerContext(String name, int inputSize, Options options, Rng rng, Registry<InitializerFactory> initializers) {
        this(name, new int[] {inputSize}, options, rng, initializers);
    }

    public LayerContext(String name, int[] inputShape, Options options, Rng rng, Registry<InitializerFactory> initializers) {
        this.name = name;
        this.inputShape = inputShape.clone();
        this.options = options;
        this.rng = rng;
        this.initializers = initializers;
    }

    public String name() {
        return name;
    }

    /** Features per sample: the product of {@link #inputShape()}. */
    public int inputSize() {
        return Shapes.size(inputShape);
    }

    /** One sample's input shape, as the layer before gives it (a copy). */
    public int[] inputShape() {
        return inputShape.clone();
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
