package dev.sinapse.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.InitializerFactory;
import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Registry;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkBuilderTest {

    /** What the fake factory saw and drew; forward and backward are never called here. */
    private record FakeLayer(String name, int inputSize, int outputSize, long draw, float initValue) implements Layer {
        @Override
        public Matrix forward(Matrix X, Pass pass) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Matrix backward(Matrix dY, Pass pass) {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * "fake": units (default: its input size) outputs; "in" claims an input size of its own, to make a mismatch;
     * "init" is an initializer spec; each layer draws one long from the build's generator.
     */
    private static final LayerFactory FAKE = ctx -> {
        int in = ctx.options().getPositiveInt("in", ctx.inputSize());
        int units = ctx.options().getInt("units", ctx.inputSize());
        Matrix W = new Matrix(1, 1);
        ctx.initializer("init", "const").fill(W, in, units, ctx.rng());
        return new FakeLayer(ctx.name(), in, units, ctx.rng().nextLong(), W.get(0, 0));
    };

    /** "const(value=v)": fills with v (default 1). */
    private static final InitializerFactory CONST = options -> {
        float v = (float) options.getDouble("value", 1);
        return (W, fanIn, fanOut, rng) -> W.fill(v);
    };

    private static NetworkBuilder builder(Map<String, LayerFactory> layers) {
        return new NetworkBuilder(Registries.from(List.of(new Registry<>("layer", LayerFactory.class, layers),
                new Registry<>("activation", ActivationFactory.class, Map.of()),
                new Registry<>("initializer", InitializerFactory.class, Map.of("const", CONST)))));
    }

    private static final NetworkBuilder BUILDER = builder(Map.of("fake", FAKE));

    private static LayerSpec fake(String name, String... keyValues) {
        Map<String, String> options = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        return new LayerSpec("fake", name, options);
    }

    private static Network build(int inputSize, LayerSpec... specs) {
        return BUILDER.build(inputSize, List.of(specs), new Rng(5));
    }

    private static List<FakeLayer> fakes(Network n) {
        List<FakeLayer> out = new ArrayList<>();
        for (Layer l : n.layers()) {
            out.add((FakeLayer) l);
        }
        return out;
    }

    @Test
    void eachLayerGetsThePreviousOutputSizeAsItsInput() {
        Network n = build(4, fake("a", "units", "3"), fake("b", "units", "2"), fake("c"));
        List<FakeLayer> ls = fakes(n);
        assertThat(n.inputSize()).isEqualTo(4);
        assertThat(n.outputSize()).isEqualTo(2);
        assertThat(ls).extracting(FakeLayer::name).containsExactly("a", "b", "c");
        assertThat(ls).extracting(FakeLayer::inputSize).containsExactly(4, 3, 2);
        assertThat(ls).extracting(FakeLayer::outputSize).containsExactly(3, 2, 2);
    }

    @Test
    void layersDrawFromTheGeneratorInLayerOrder() {
        Rng rng = new Rng(9);
        Network n = BUILDER.build(2, List.of(fake("a"), fake("b"), fake("c")), rng);
        Rng expected = new Rng(9);
        assertThat(fakes(n)).extracting(FakeLayer::draw)
                .containsExactly(expected.nextLong(), expected.nextLong(), expected.nextLong());
        assertThat(rng.state()).isEqualTo(expected.state());
    }

    @Test
    void unnamedLayersAreNamedByTypeAndPosition() {
        Network n = build(2, fake(null), fake("  mid "), fake(" "));
        assertThat(fakes(n)).extracting(FakeLayer::name).containsExactly("fake1", "mid", "fake3");
    }

    @Test
    void typeIsTrimmed() {
        Network n = BUILDER.build(2, List.of(new LayerSpec(" fake ", "a", Map.of())), new Rng(1));
        assertThat(n.layers()).singleElement().extracting(Layer::name).isEqualTo("a");
    }

    @Test
    void factoriesReachTheInitializerRegistry() {
        Network n = build(2, fake("a"), fake("b", "init", "const(value=2.5)"));
        assertThat(fakes(n)).extracting(FakeLayer::initValue).containsExactly(1f, 2.5f);
    }

    @Test
    void nonPositiveInputSizeIsRejected() {
        assertThatThrownBy(() -> build(0, fake("a")))
                .isInstanceOf(SinapseException.class)
                .hasMessage("network.input_size must be a positive integer, got 0");
    }

    @Test
    void networkWithoutLayersIsRejected() {
        assertThatThrownBy(() -> build(3))
                .isInstanceOf(SinapseException.class)
                .hasMessage("network has no layers; add at least one 'layers { type: ... }' entry");
    }

    @Test
    void missingTypeNamesTheEntry() {
        assertThatThrownBy(() -> build(3, fake("a"), new LayerSpec(null, "b", Map.of())))
                .isInstanceOf(SinapseException.class)
                .hasMessage("network.layers[1]: 'type' is required");
        assertThatThrownBy(() -> build(3, new LayerSpec("  ", "b", Map.of())))
                .isInstanceOf(SinapseException.class)
                .hasMessage("network.layers[0]: 'type' is required");
    }

    @Test
    void nameUsedTwiceIsRejected() {
        assertThatThrownBy(() -> build(3, fake("a"), fake(" a ")))
                .isInstanceOf(SinapseException.class)
                .hasMessage("network.layers[1]: layer name 'a' is used twice");
    }

    @Test
    void generatedNameClashingWithAGivenOneIsRejected() {
        assertThatThrownBy(() -> build(3, fake("fake2"), fake(null)))
                .isInstanceOf(SinapseException.class)
                .hasMessage("network.layers[1]: layer name 'fake2' is used twice");
    }

    @Test
    void unknownTypeListsTheKnownTypesAndTheClosest() {
        NetworkBuilder b = builder(Map.of("fake", FAKE, "dense", FAKE, "flatten", FAKE));
        assertThatThrownBy(() -> b.build(3, List.of(fake("a"), new LayerSpec("dens", "b", Map.of())), new Rng(1)))
                .isInstanceOf(SinapseException.class)
                .hasMessage("network.layers[1].type: unknown layer or activation 'dens' (did you mean 'dense'?); installed: dense, "
                        + "fake, flatten; " + dev.sinapse.api.Registry.PLUGIN_HINT);
    }

    @Test
    void unreadOptionIsRejectedNamingTheLayer() {
        assertThatThrownBy(() -> build(3, fake("hidden", "unit", "4")))
                .isInstanceOf(SinapseException.class)
                .hasMessage("layer 'hidden' (fake): unknown option 'unit' (did you mean 'units'?); known options: in, init, units");
    }

    @Test
    void badOptionValueNamesTheLayerAndType() {
        assertThatThrownBy(() -> build(3, fake("hidden", "units", "four")))
                .isInstanceOf(SinapseException.class)
                .hasMessage("layer 'hidden' (fake): option 'units' must be an integer, got 'four'");
    }

    @Test
    void layerTakingAnotherInputSizeThanThePreviousGivesIsRejected() {
        assertThatThrownBy(() -> build(3, fake("a", "units", "4"), fake("b", "in", "5")))
                .isInstanceOf(SinapseException.class)
                .hasMessage("layer 'b' (fake): takes 5 inputs, but the layer before gives 4");
    }

    @Test
    void firstLayerMustTakeTheNetworkInputSize() {
        assertThatThrownBy(() -> build(3, fake("a", "in", "2")))
                .isInstanceOf(SinapseException.class)
                .hasMessageStartingWith("layer 'a' (fake): takes 2 inputs, but ")
                .hasMessageEndingWith(" gives 3");
    }

    @Test
    void nonPositiveOutputSizeIsRejected() {
        assertThatThrownBy(() -> build(3, fake("a", "units", "0")))
                .isInstanceOf(SinapseException.class)
                .hasMessage("layer 'a' (fake): output size must be positive, got 0");
    }
}
