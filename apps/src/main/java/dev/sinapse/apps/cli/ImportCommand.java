package dev.sinapse.apps.cli;

import dev.sinapse.api.Registries;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.inference.Models;
import dev.sinapse.apps.training.CheckpointCheck;
import dev.sinapse.apps.training.Provenances;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.onnx.OnnxFiles;
import dev.sinapse.onnx.OnnxImport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code import --onnx model.onnx --output CKPT [--pixel-scale S]}: an MLP exported from another framework (or by
 * export) as a Sinapse checkpoint that evaluate, predict, show, inspect and train --init-from take; see
 * {@link OnnxImport}. The checkpoint is checked as every command that loads one checks it, and loaded, before it is
 * written (atomically).
 */
@Command(name = "import", description = "Turn an ONNX MLP (Gemm or MatMul+Add, Relu/Sigmoid/Tanh, Softmax) into a Sinapse checkpoint.")
public final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "The ONNX model (e.g. exported by torch.onnx.export).")
    Path onnx;

    @Option(names = "--output", required = true, paramLabel = "CKPT", description = "Where to write the checkpoint.")
    Path output;

    @Option(names = "--pixel-scale", paramLabel = "S", description = "The model expects pixels divided by S (for a graph that does not "
            + "scale its input itself; default: the graph's own scaling, or 1 without one).")
    Float pixelScale;

    @Override
    public Integer call() {
        Outputs.notAnInput("--output", output, Outputs.input("--onnx", onnx));
        if (pixelScale != null && !(pixelScale > 0 && Float.isFinite(pixelScale))) {
            throw new SinapseException("--pixel-scale must be a positive number, got " + pixelScale);
        }
        Registries registries = Injection.registries();
        Checkpoint c = OnnxImport.toCheckpoint(OnnxFiles.read(onnx), onnx, pixelScale, registries).toBuilder()
                .setProvenance(Provenances.here().toBuilder()
                        .setDataSource("none: weights imported from " + onnx.toAbsolutePath().normalize())).build();
        // what evaluate, predict and train --init-from will do with it, before anything is written
        CheckpointCheck.check(c, onnx, registries);
        Models.load(c, onnx, registries);
        CheckpointFile.write(output, c);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("imported %s to %s: %d inputs, %d layers (%s), pixel scale %s, params_sha256 %s%n", onnx, output,
                c.getConfig().getNetwork().getInputSize(), c.getConfig().getNetwork().getLayersCount(),
                String.join(", ", c.getConfig().getNetwork().getLayersList().stream().map(l -> l.getName() + ":" + l.getType()).toList()),
                c.getConfig().getData().getPixelScale(), Tensors.paramsSha256(c.getParamsList()));
        out.flush();
        return 0;
    }
}
