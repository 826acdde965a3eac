package dev.sinapse.kernels;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.util.Types;
import dev.sinapse.api.Activation;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.Dataset;
import dev.sinapse.api.InitializerFactory;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Loss;
import dev.sinapse.api.LossFactory;
import dev.sinapse.api.Network;
import dev.sinapse.api.Options;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Registry;
import dev.sinapse.api.Rng;
import dev.sinapse.io.data.PixelDataset;
import dev.sinapse.layers.LayersModule;
import dev.sinapse.layers.NetworkBuilder;
import java.util.List;
import java.util.Map;

/**
 * dense(hidden) → activation → dense(classes) → softmax with a loss, built by the real layers: the network the
 * fused kernels run (the article's at {@link #article()}), for tests and benchmarks of the kernels.
 */
public record TestNet(int inputs, int hidden, String activation, int classes, String loss) {
    private static final Registries REGISTRIES = registries();

    public static TestNet article() {
        return new TestNet(784, 10, "relu", 10, "cross_entropy");
    }

    public TestNet withInputs(int n) {
        return new TestNet(n, hidden, activation, classes, loss);
    }

    public TestNet withHidden(int h) {
        return new TestNet(inputs, h, activation, classes, loss);
    }

    public TestNet withActivation(String f) {
        return new TestNet(inputs, hidden, f, classes, loss);
    }

    public TestNet withClasses(int c) {
        return new TestNet(inputs, hidden, activation, c, loss);
    }

    public TestNet withLoss(String l) {
        return new TestNet(inputs, hidden, activation, classes, l);
    }

    /** The network with uniform(−0.5, 0.5) weights and biases drawn from {@code seed}, as the article draws them. */
    public Network build(long seed) {
        Map<String, String> init = Map.of("init", "uniform(low=-0.5, high=0.5)", "bias_init", "uniform(low=-0.5, high=0.5)");
        List<LayerSpec> specs = List.of(
                new LayerSpec("dense", "hidden", with(init, "units", hidden)),
                new LayerSpec(activation, "act", Map.of()),
                new LayerSpec("dense", "output", with(init, "units", classes)),
                new LayerSpec("softmax", "softmax", Map.of()));
        return new NetworkBuilder(REGISTRIES).build(inputs, specs, new Rng(seed));
    }

    public Loss lossFunction() {
        return REGISTRIES.losses().get(loss, "loss").create(new Options("loss", Map.of()));
    }

    /** The activation function bound as {@code type}, with its default options. */
    public static Activation activation(String type) {
        return REGISTRIES.activations().get(type, "activation").create(new Options(type, Map.of()));
    }

    /**
     * Random bytes, about half of them 0 like Fashion-MNIST, plus a run of zero pixels of random length in each
     * row (as an image's background), and random labels in [0, classes).
     */
    public static Dataset data(int rows, int features, int classes, long seed) {
        Rng rng = new Rng(seed);
        byte[] px = new byte[rows * features];
        for (int i = 0; i < px.length; i++) {
            px[i] = rng.nextInt(2) == 0 ? 0 : (byte) (1 + rng.nextInt(255));
        }
        for (int r = 0; r < rows; r++) {
            int start = rng.nextInt(features), len = rng.nextInt(features / 2 + 1);
            for (int j = start; j < Math.min(features, start + len); j++) {
                px[r * features + j] = 0;
            }
        }
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = rng.nextInt(classes);
        }
        return new PixelDataset("random", features, px, y);
    }

    private static Map<String, String> with(Map<String, String> m, String key, int value) {
        Map<String, String> out = new java.util.HashMap<>(m);
        out.put(key, String.valueOf(value));
        return out;
    }

    /** The kinds LayersModule fills, as apps declares them. */
    private static Registries registries() {
        Injector inj = Guice.createInjector(new LayersModule());
        return Registries.from(List.of(
                registry(inj, "layer", LayerFactory.class),
                registry(inj, "activation", ActivationFactory.class),
                registry(inj, "loss", LossFactory.class),
                registry(inj, "initializer", InitializerFactory.class)));
    }

    @SuppressWarnings("unchecked") // the key MapBinder binds: Map<String, type>
    private static <T> Registry<T> registry(Injector inj, String kind, Class<T> type) {
        return new Registry<>(kind, type, (Map<String, T>) inj.getInstance(Key.get(Types.mapOf(String.class, type))));
    }
}
