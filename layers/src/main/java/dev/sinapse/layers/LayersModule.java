package dev.sinapse.layers;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.InitializerFactory;
import dev.sinapse.api.LayerFactory;
import dev.sinapse.api.LossFactory;

/**
 * The public face of this module: binds every layer, activation, loss and initializer by its config key.
 * A new one is a class plus one line here; a key bound twice fails when the injector is created.
 */
public final class LayersModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, LayerFactory> layers = MapBinder.newMapBinder(binder(), String.class, LayerFactory.class);
        layers.addBinding("dense").to(Dense.Factory.class);
        layers.addBinding("softmax").to(Softmax.Factory.class);
        layers.addBinding("dropout").to(Dropout.Factory.class);
        layers.addBinding("batch_norm").to(BatchNorm.Factory.class);
        layers.addBinding("flatten").to(Flatten.Factory.class);
        layers.addBinding("reshape").to(Reshape.Factory.class);
        layers.addBinding("conv2d").to(Conv2d.Factory.class);
        layers.addBinding("max_pool").to(MaxPool.Factory.class);
        layers.addBinding("avg_pool").to(AvgPool.Factory.class);

        MapBinder<String, ActivationFactory> activations =
                MapBinder.newMapBinder(binder(), String.class, ActivationFactory.class);
        activations.addBinding("relu").to(Relu.Factory.class);
        activations.addBinding("leaky_relu").to(LeakyRelu.Factory.class);
        activations.addBinding("sigmoid").to(Sigmoid.Factory.class);
        activations.addBinding("tanh").to(Tanh.Factory.class);

        MapBinder<String, LossFactory> losses = MapBinder.newMapBinder(binder(), String.class, LossFactory.class);
        losses.addBinding("cross_entropy").to(CrossEntropy.Factory.class);
        losses.addBinding("mse").to(MeanSquaredError.Factory.class);

        MapBinder<String, InitializerFactory> initializers =
                MapBinder.newMapBinder(binder(), String.class, InitializerFactory.class);
        initializers.addBinding("uniform").to(Uniform.Factory.class);
        initializers.addBinding("normal").to(Normal.Factory.class);
        initializers.addBinding("he").to(HeNormal.Factory.class);
        initializers.addBinding("xavier").to(XavierUniform.Factory.class);
        initializers.addBinding("zeros").to(Zeros.Factory.class);
    }
}
