package dev.sinapse.optimizers;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import dev.sinapse.api.OptimizerFactory;
import dev.sinapse.api.ScheduleFactory;

/** The public face of this Maven module: every optimizer and learning-rate schedule, by its config key. */
public final class OptimizersModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, OptimizerFactory> optimizers = MapBinder.newMapBinder(binder(), String.class, OptimizerFactory.class);
        optimizers.addBinding("sgd").to(Sgd.Factory.class);
        optimizers.addBinding("momentum").to(Momentum.Factory.class);
        optimizers.addBinding("adam").to(Adam.Factory.class);
        optimizers.addBinding("adamw").to(AdamW.Factory.class);
        optimizers.addBinding("rmsprop").to(RmsProp.Factory.class);
        optimizers.addBinding("adagrad").to(AdaGrad.Factory.class);

        MapBinder<String, ScheduleFactory> schedules = MapBinder.newMapBinder(binder(), String.class, ScheduleFactory.class);
        schedules.addBinding("constant").to(ConstantSchedule.Factory.class);
        schedules.addBinding("step").to(StepSchedule.Factory.class);
        schedules.addBinding("exponential").to(ExponentialSchedule.Factory.class);
        schedules.addBinding("cosine").to(CosineSchedule.Factory.class);
    }
}
