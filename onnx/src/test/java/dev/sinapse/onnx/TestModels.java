package dev.sinapse.onnx;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.util.Types;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.Compute;
import dev.sinapse.api.InitializerFactory;
import dev.sinapse.api.Layer;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.LossFactory;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Registry;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SoftmaxOutput;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.LayerConfig;
import dev.sinapse.io.proto.NamedState;
import dev.sinapse.io.proto.Tensor;
import dev.sinapse.layers.LayersModule;
import dev.sinapse.layers.NetworkBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The built-in registries and exporters without apps, and networks built and run as apps would. */
final class TestModels {
    static final Injector INJECTOR = Guice.createInjector(new LayersModule(), new OnnxModule());
    static final Registries REGISTRIES = Registries.from(List.of(
            registry("layer", LayerFactory.class), registry("activation", ActivationFactory.class),
            registry("loss", LossFactory.class), registry("initializer", InitializerFactory.class)));

    private TestModels() {
    }

    static OnnxExport exporter() {
        return INJECTOR.getInstance(OnnxExport.class);
    }

    @SuppressWarnings("unchecked")
    private static <T> Registry<T> registry(String kind, Class<T> type) {
        Map<String, T> entries = (Map<String, T>) INJECTOR.getInstance(Key.get(TypeLiteral.get(Types.mapOf(String.class, type))));
        return new Registry<>(kind, type, entries);
    }

    static Network build(int inputs, List<LayerSpec> specs, long seed) {
        return new NetworkBuilder(REGISTRIES).build(inputs, specs, new Rng(seed));
    }

    static List<LayerSpec> specs(Checkpoint c) {
        return c.getConfig().getNetwork().getLayersList().stream().map(TestModels::spec).toList();
    }

    static LayerSpec spec(LayerConfig l) {
        return new LayerSpec(l.getType(), l.getName(), l.getOptionsMap());
    }

    /** The network of an imported checkpoint, its tensors and layer states copied in by name. */
    static Network load(Checkpoint c) {
        Network net = build(c.getConfig().getNetwork().getInputSize(), specs(c), 0);
        Map<String, Tensor> byName = new HashMap<>();
        c.getParamsList().forEach(t -> byName.put(t.getName(), t));
        for (Param p : net.params()) {
            p.value().setTo(Tensors.toMatrix(byName.get(p.name())));
        }
        for (NamedState s : c.getLayerStatesList()) {
            net.layers().stream().filter(l -> l.name().equals(s.getOwner())).findFirst().orElseThrow().restore(Tensors.toState(s));
        }
        return net;
    }

    /** What predict computes: the rows times 1/pixel_scale through the network, then softmax unless it ends in one. */
    static Matrix probabilities(Network net, float[][] rows, float pixelScale) {
        float scale = 1f / pixelScale;
        Matrix X = new Matrix(rows.length, net.inputSize());
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < net.inputSize(); j++) {
                X.set(i, j, rows[i][j] * scale);
            }
        }
        Matrix A = net.forward(X, Pass.inference(Compute.serial()));
        List<Layer> layers = net.layers();
        return layers.get(layers.size() - 1) instanceof SoftmaxOutput ? A : SoftmaxOutput.softmax(A);
    }
}
