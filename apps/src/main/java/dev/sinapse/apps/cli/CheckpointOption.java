package dev.sinapse.apps.cli;

import com.google.inject.Injector;
import dev.sinapse.api.Registries;
import dev.sinapse.apps.inference.TrainedModel;
import dev.sinapse.apps.training.CheckpointCheck;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.kernels.Kernels;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --checkpoint CKPT}, the trained model that evaluate, predict and show run: a picocli mixin. */
final class CheckpointOption {
    @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "A checkpoint written by train (e.g. runs/…/best.ckpt).")
    Path checkpoint;

    @Mixin
    PluginsOption plugins;

    /**
     * The checkpoint's model, run by the kernel the chooser picks for its network, as in training; the file checked
     * first as every command that loads one checks it ({@link CheckpointCheck}).
     */
    TrainedModel load() {
        Injector injector = plugins.injector();
        Registries registries = injector.getInstance(Registries.class);
        Checkpoint c = CheckpointFile.read(checkpoint);
        CheckpointCheck.check(c, checkpoint, registries);
        return TrainedModel.load(c, checkpoint, registries, injector.getInstance(Kernels.class));
    }
}
