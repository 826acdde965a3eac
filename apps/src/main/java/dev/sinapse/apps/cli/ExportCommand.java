package dev.sinapse.apps.cli;

import com.google.inject.Injector;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Registries;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.inference.TrainedModel;
import dev.sinapse.apps.training.CheckpointCheck;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.kernels.Kernels;
import dev.sinapse.onnx.ModelInfo;
import dev.sinapse.onnx.OnnxExport;
import dev.sinapse.onnx.OnnxFiles;
import dev.sinapse.onnx.proto.ModelProto;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code export --checkpoint CKPT --output model.onnx [--label]}: the checkpoint's model as an ONNX file that
 * onnxruntime (or any ONNX runtime) serves. It takes the raw features predict takes and gives the probabilities
 * predict gives; see {@link OnnxExport} and docs/onnx.md. The file is written atomically.
 */
@Command(name = "export", description = "Write a checkpoint's model as an ONNX file (raw pixels in, class probabilities out).")
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "A checkpoint written by train or import.")
    Path checkpoint;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write the ONNX model (e.g. model.onnx).")
    Path output;

    @Option(names = "--label", description = "Add a second output, 'label': the most probable class of each row (int64).")
    boolean label;

    @Override
    public Integer call() {
        Outputs.notAnInput("--output", output, Outputs.input("--checkpoint", checkpoint));
        Injector injector = Injection.create();
        Registries registries = injector.getInstance(Registries.class);
        Checkpoint c = CheckpointFile.read(checkpoint);
        CheckpointCheck.check(c, checkpoint, registries);
        TrainedModel model = TrainedModel.load(c, checkpoint, registries, injector.getInstance(Kernels.class));
        List<LayerSpec> specs = c.getConfig().getNetwork().getLayersList().stream()
                .map(l -> new LayerSpec(l.getType(), l.getName(), l.getOptionsMap())).toList();
        ModelInfo info = new ModelInfo(c.getConfig().getName(), ConfigFiles.withDefaults(c.getConfig()).getData().getPixelScale(),
                Main.version(), classNames(c), label);
        ModelProto onnx = injector.getInstance(OnnxExport.class).export(model.network(), specs, info);
        OnnxFiles.write(output, onnx);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("exported %s to %s: ONNX opset %d, input '%s' [batch, %d], output '%s' [batch, %d]%s%n", model.describe(), output,
                OnnxExport.OPSET, OnnxExport.INPUT, model.network().inputSize(), OnnxExport.PROBABILITIES, model.classes(),
                label ? ", '" + OnnxExport.LABEL + "' [batch]" : "");
        out.flush();
        return 0;
    }

    /**
     * The names of the model's classes, for the file's metadata. Checkpoints do not record class names yet, so this is
     * empty and the metadata has no class_names entry; once they do, return them here (in output order).
     */
    static List<String> classNames(Checkpoint c) {
        return List.of();
    }
}
