package dev.sinapse.plugin.prelu;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import dev.sinapse.api.LayerFactory;

/** A plug-in layer, the same way as the swish activation: adds "prelu" to the layers. */
public final class PReluModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, LayerFactory.class)
                .addBinding("prelu").to(PRelu.Factory.class);
    }
}
