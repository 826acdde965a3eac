package dev.sinapse.onnx;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;

/**
 * The public face of this module: binds an ONNX exporter for every built-in layer and activation, by the config key
 * of what it exports. A plug-in layer gets one by binding its own {@link LayerExporter} under its key in the same
 * map; a layer with none fails the export with one line naming it.
 */
public final class OnnxModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, LayerExporter> exporters = MapBinder.newMapBinder(binder(), String.class, LayerExporter.class);
        exporters.addBinding("dense").to(DenseExporter.class);
        exporters.addBinding("softmax").to(SoftmaxExporter.class);
        exporters.addBinding("dropout").to(DropoutExporter.class);
        exporters.addBinding("batch_norm").to(BatchNormExporter.class);
        exporters.addBinding("flatten").to(FlattenExporter.class);
        exporters.addBinding("reshape").to(ReshapeExporter.class);
        exporters.addBinding("conv2d").to(Conv2dExporter.class);
        exporters.addBinding("max_pool").toInstance(new PoolExporter("MaxPool"));
        exporters.addBinding("avg_pool").toInstance(new PoolExporter("AveragePool"));
        exporters.addBinding("relu").toInstance(new ActivationExporter("Relu"));
        exporters.addBinding("sigmoid").toInstance(new ActivationExporter("Sigmoid"));
        exporters.addBinding("tanh").toInstance(new ActivationExporter("Tanh"));
        exporters.addBinding("leaky_relu").to(LeakyReluExporter.class);
    }
}
