package dev.sinapse.kernels;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;

/**
 * The public face of this module: binds every built-in kernel factory by the name checkpoints record. A plug-in
 * adds its own with {@code MapBinder.newMapBinder(binder(), String.class, KernelFactory.class).addBinding(...)}.
 */
public final class KernelsModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, KernelFactory> kernels = MapBinder.newMapBinder(binder(), String.class, KernelFactory.class);
        kernels.addBinding(LayerByLayerKernel.NAME).to(LayerByLayerKernel.Factory.class);
        kernels.addBinding(FusedMlpKernel.NAME).to(FusedMlpKernel.Factory.class);
        kernels.addBinding(FusedMlpKernel.VECTOR_NAME).to(FusedMlpKernel.VectorFactory.class);
    }
}
