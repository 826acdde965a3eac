package dev.sinapse.examples.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import dev.sinapse.api.ActivationFactory;
import dev.sinapse.api.LayerFactory;

/** The plug-in's public face: binds its types under the keys configs use. Named in META-INF/services. */
public final class ExampleModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, LayerFactory.class).addBinding("scale").to(Scale.Factory.class);
        MapBinder.newMapBinder(binder(), String.class, ActivationFactory.class).addBinding("softsign").to(Softsign.Factory.class);
    }
}
