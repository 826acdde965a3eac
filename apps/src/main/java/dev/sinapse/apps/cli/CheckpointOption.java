package dev.sinapse.apps.cli;

import com.google.inject.Injector;
import dev.sinapse.api.Registries;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.inference.TrainedModel;
import dev.sinapse.kernels.Kernels;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --checkpoint CKPT}, the trained model that evaluate, predict and show run: a picocli mixin. */
final class CheckpointOption {
    @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "A checkpoint written by train (e.g. runs/…/best.ckpt).")
    Path checkpoint;

    /** The checkpoint's model, run by the kernel the chooser picks for its network, as in training. */
    TrainedModel load() {
        Injector injector = Injection.create();
        return TrainedModel.load(checkpoint, injector.getInstance(Registries.class), injector.getInstance(Kernels.class));
    }
}
