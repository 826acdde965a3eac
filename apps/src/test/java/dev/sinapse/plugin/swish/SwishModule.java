package dev.sinapse.plugin.swish;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.apps.Injection;
import dev.sinapse.onnx.LayerExporter;

/**
 * The plug-in's public face: adds "swish" to the activations, and its ONNX exporter for export. Listed in
 * {@code META-INF/services/com.google.inject.Module}, so {@code Injection.create()} finds it on the class path;
 * no core module or {@code .proto} knows about it.
 */
public final class SwishModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, ActivationFactory.class)
                .addBinding("swish").to(Swish.Factory.class);
        MapBinder.newMapBinder(binder(), String.class, LayerExporter.class)
                .addBinding("swish").to(SwishExporter.class);
    }
}
