package dev.sinapse.apps.embed;

import com.google.inject.Injector;
import dev.sinapse.api.Registries;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.PluginPath;
import dev.sinapse.apps.cli.Main;
import dev.sinapse.apps.inference.TrainedModel;
import dev.sinapse.apps.training.CheckpointCheck;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.kernels.Kernels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Sinapse from Java code (docs/embedding.md): load a checkpoint and predict, or train from a config. Plug-ins come from
 * the class path and the standard plug-in path ({@value PluginPath#ENV}, {@code ./plugins}). A bad file or config
 * is a {@link SinapseException} whose message is the one line the command line would print.
 */
public final class Sinapse {
    private Sinapse() {
    }

    /** The model in a checkpoint written by train, checked as the command line checks it. */
    public static Model load(Path checkpoint) {
        Injector injector = Injection.create(PluginPath.standard());
        Registries registries = injector.getInstance(Registries.class);
        Checkpoint c = CheckpointFile.read(checkpoint);
        CheckpointCheck.check(c, checkpoint, registries);
        return new Model(TrainedModel.load(c, checkpoint, registries, injector.getInstance(Kernels.class)));
    }

    /**
     * Trains {@code config} with {@code overrides} ({@code "training.epochs=20"}, as {@code --set} takes them) into the
     * run directory {@code out}, exactly as {@code sinapse train --config CONFIG --out OUT} does, and returns the
     * model of its best.ckpt (its last.ckpt when there was no dev set to pick a best by).
     */
    public static Model train(Path config, Path out, String... overrides) {
        List<String> args = new ArrayList<>(List.of("train", "--quiet", "--config", config.toString(), "--out", out.toString()));
        for (String o : overrides) {
            args.addAll(List.of("--set", o));
        }
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        if (code == Main.USER_ERROR) {
            String first = err.toString().lines().findFirst().orElse("train failed");
            throw new SinapseException(first.startsWith("error: ") ? first.substring("error: ".length()) : first);
        }
        if (code != 0) {
            throw new IllegalStateException("train ended with exit code " + code + ": " + err);
        }
        Path best = out.resolve("best.ckpt");
        return load(Files.exists(best) ? best : out.resolve("last.ckpt"));
    }
}
