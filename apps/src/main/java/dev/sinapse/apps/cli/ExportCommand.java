package dev.sinapse.apps.cli;

import com.google.inject.Injector;
import dev.sinapse.api.LayerSpec;
import dev.sinapse.api.Registries;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.inference.TrainedModel;
import dev.sinapse.apps.training.CheckpointCheck;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.config.Tables;
import dev.sinapse.io.data.TableTransform;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.kernels.Kernels;
import dev.sinapse.layers.NetworkBuilder;
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
        List<LayerSpec> specs = layerSpecs(c);
        ModelInfo info = new ModelInfo(c.getConfig().getName(), ConfigFiles.withDefaults(c.getConfig()).getData().getPixelScale(),
                Main.version(), classNames(c), label, features(c));
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
     * One spec per built layer: an affine layer's {@code activation} option builds a layer of its own after it
     * ("hidden.relu"), which is exported as that activation.
     */
    static List<LayerSpec> layerSpecs(Checkpoint c) {
        List<LayerSpec> specs = new java.util.ArrayList<>();
        for (var l : c.getConfig().getNetwork().getLayersList()) {
            java.util.Map<String, String> options = new java.util.TreeMap<>(l.getOptionsMap());
            String activation = options.remove(NetworkBuilder.ACTIVATION);
            specs.add(new LayerSpec(l.getType(), l.getName(), options));
            if (activation != null) {
                specs.add(new LayerSpec(activation, l.getName() + "." + activation, java.util.Map.of()));
            }
        }
        return specs;
    }

    /** The names of the model's classes in output order, for the file's metadata: a table's class names, or none. */
    static List<String> classNames(Checkpoint c) {
        return c.hasDataTransform() ? c.getDataTransform().getClassNamesList() : List.of();
    }

    /** A table's feature transform, which the graph applies before the network; null for pixels. */
    static ModelInfo.Features features(Checkpoint c) {
        if (!Tables.isTable(c.getConfig().getData())) {
            return null;
        }
        TableTransform t = Tables.transform(c.getDataTransform(), "checkpoint");
        return new ModelInfo.Features(t.fill(), t.shift(), t.factor());
    }
}
