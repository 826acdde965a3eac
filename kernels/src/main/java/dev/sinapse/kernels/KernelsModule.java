package dev.sinapse.kernels;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import dev.sinapse.api.Registry;
import java.util.Map;

/**
 * The public face of this module: binds every built-in kernel factory by the name checkpoints record. A plug-in
 * adds its own with {@code MapBinder.newMapBinder(binder(), String.class, KernelFactory.class).addBinding(...)}.
 * The kernel kind is this module's own: it declares the kind's registry here, and that registry joins the
 * others in {@link dev.sinapse.api.Registries} ({@code of(KernelFactory.class)}) with no edit to the api.
 */
public final class KernelsModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, KernelFactory> kernels = MapBinder.newMapBinder(binder(), String.class, KernelFactory.class);
        kernels.addBinding(LayerByLayerKernel.NAME).to(LayerByLayerKernel.Factory.class);
        kernels.addBinding(LayerByLayerKernel.VECTOR_NAME).to(LayerByLayerKernel.VectorFactory.class);
        kernels.addBinding(FusedMlpKernel.NAME).to(FusedMlpKernel.Factory.class);
        kernels.addBinding(FusedMlpKernel.VECTOR_NAME).to(FusedMlpKernel.VectorFactory.class);
        Multibinder.newSetBinder(binder(), new TypeLiteral<Registry<?>>() {}).addBinding()
                .to(new TypeLiteral<Registry<KernelFactory>>() {});
    }

    @Provides
    @Singleton
    Registry<KernelFactory> kernels(Map<String, KernelFactory> factories) {
        return new Registry<>("kernel", KernelFactory.class, factories);
    }
}
