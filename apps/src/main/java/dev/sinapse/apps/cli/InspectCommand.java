package dev.sinapse.apps.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.sinapse.api.Layer;
import dev.sinapse.api.Network;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.inference.Models;
import dev.sinapse.apps.report.Describe;
import dev.sinapse.apps.training.CheckpointCheck;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.config.Json;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.MetricRecord;
import dev.sinapse.io.proto.Provenance;
import dev.sinapse.io.proto.Tensor;
import dev.sinapse.io.proto.TrainingPosition;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inspect CKPT [--json]}: what a checkpoint holds, without loading data or building the network. A file whose
 * envelope reads is shown even when its contents are not usable; then the error says why, and the exit code is 2.
 */
@Command(name = "inspect", description = "Show what a checkpoint holds: format, config, position, parameters, optimizer, metrics, provenance, params_sha256.")
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CKPT", description = "A .ckpt file.")
    Path file;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Mixin
    PluginsOption plugins;

    @Override
    public Integer call() {
        Checkpoint c = CheckpointFile.read(file);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(toJson(c)));
        } else {
            printText(c, out);
        }
        out.flush();
        // shown as it is, damaged or not; then checked as every command that loads it checks it, for the exit code
        CheckpointCheck.check(c, file, plugins.injector().getInstance(Registries.class));
        return 0;
    }

    /** The checkpoint as one JSON object; integers are JSON integers and the config is a JSON config object. */
    static Map<String, Object> toJson(Checkpoint c) {
        TrainingPosition p = c.getPosition();
        List<Object> params = new ArrayList<>();
        long count = 0;
        for (Tensor t : c.getParamsList()) {
            params.add(Json.object("name", t.getName(), "shape", List.of(t.getRows(), t.getCols()), "count", t.getValuesCount()));
            count += t.getValuesCount();
        }
        List<Object> history = new ArrayList<>();
        for (MetricRecord m : c.getHistoryList()) {
            Map<String, Object> point = Json.object("step", m.getStep(), "epoch", m.getEpoch(), "loss", m.getLoss(),
                    "train_accuracy", m.getTrainAccuracy());
            if (!Double.isNaN(m.getDevAccuracy())) {
                // left out where the dev set was not evaluated
                point.put("dev_loss", m.getDevLoss());
                point.put("dev_accuracy", m.getDevAccuracy());
            }
            point.put("learning_rate", m.getLearningRate());
            point.put("elapsed_seconds", m.getElapsedSeconds());
            history.add(point);
        }
        Provenance pr = c.getProvenance();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format_version", c.getFormatVersion());
        json.put("name", c.getConfig().getName());
        json.put("config", Json.of(c.getConfig()));
        json.put("position", Json.object("epoch", p.getEpoch(), "step", p.getStep(), "batch_in_epoch", p.getBatchInEpoch(),
                "epochs_total", c.getConfig().getTraining().getEpochs(), "finished", p.getFinished()));
        json.put("kernel", kernel(c));
        json.put("params", params);
        json.put("param_count", count);
        network(c).ifPresent(n -> {
            List<Object> layers = new ArrayList<>();
            for (int i = 0; i < n.layers().size(); i++) {
                Layer l = n.layers().get(i);
                layers.add(Json.object("name", l.name(), "type", c.getConfig().getNetwork().getLayers(i).getType().trim(),
                        "output_shape", Arrays.stream(l.outputShape()).boxed().toList(), "forward_flops", l.forwardFlopsPerSample()));
            }
            json.put("input_shape", Arrays.stream(n.inputShape()).boxed().toList());
            json.put("layers", layers);
        });
        json.put("optimizer", Json.object("type", c.getOptimizer().getType(),
                "learning_rate", c.getConfig().getOptimizer().getLearningRate(),
                "step", c.getOptimizer().getState().getLongsOrDefault("t", 0),
                "state_tensors", c.getOptimizer().getState().getTensorsCount()));
        json.put("best", Json.object("metric", c.getBest().getMetric(), "value", c.getBest().getValue(), "step", c.getBest().getStep()));
        json.put("history", history);
        json.put("provenance", Json.object("sinapse_version", pr.getSinapseVersion(), "java_version", pr.getJavaVersion(),
                "os", pr.getOs(), "created_at", pr.getCreatedAt(), "data_source", pr.getDataSource(),
                "data_sha256", pr.getDataSha256(), "train_rows", pr.getTrainRows(), "dev_rows", pr.getDevRows(),
                "init_from", pr.getInitFrom(), "init_from_params_sha256", pr.getInitFromParamsSha256()));
        json.put("params_sha256", Tensors.paramsSha256(c.getParamsList()));
        return json;
    }

    /**
     * The network of the checkpoint's config, for its layers' shapes; empty when the config does not build, or its
     * sizes do not match the tensors (the check after the listing says why). Its values are not loaded.
     */
    private static Optional<Network> network(Checkpoint c) {
        try {
            Registries registries = Injection.registries();
            Models.checkSizes(c.getConfig(), c.getParamsList(), Path.of("checkpoint"), registries);
            return Optional.of(Models.build(c.getConfig(), registries, new Rng(0)));
        } catch (SinapseException | IllegalArgumentException unusable) {
            return Optional.empty();
        }
    }

    /** The batch kernel that trained the run: its own field since format 2, a "kernel:" key before. */
    private static String kernel(Checkpoint c) {
        if (!c.getKernel().isEmpty()) {
            return c.getKernel();
        }
        return c.getEarlyStopping().getLongsMap().keySet().stream().filter(k -> k.startsWith("kernel:"))
                .map(k -> k.substring("kernel:".length())).findFirst().orElse("(not recorded)");
    }

    private static void printText(Checkpoint c, PrintWriter out) {
        TrainingPosition p = c.getPosition();
        Provenance pr = c.getProvenance();
        out.printf(Locale.ROOT, "checkpoint      format %d%n", c.getFormatVersion());
        out.printf(Locale.ROOT, "experiment      %s%n", c.getConfig().getName().isEmpty() ? "(unnamed)" : c.getConfig().getName());
        out.printf(Locale.ROOT, "position        epoch %d of %d, step %d%s%s%n", p.getEpoch(), c.getConfig().getTraining().getEpochs(),
                p.getStep(), p.getBatchInEpoch() > 0 ? ", batch " + p.getBatchInEpoch() + " of the next epoch" : "",
                p.getFinished() ? " (finished)" : "");
        out.printf(Locale.ROOT, "kernel          %s%n", kernel(c));
        out.printf(Locale.ROOT, "optimizer       %s, learning rate %s, %d state tensors%n", c.getOptimizer().getType(),
                c.getConfig().getOptimizer().getLearningRate(), c.getOptimizer().getState().getTensorsCount());
        out.println("parameters");
        long total = 0;
        int w = c.getParamsList().stream().mapToInt(t -> t.getName().length()).max().orElse(0);
        for (Tensor t : c.getParamsList()) {
            out.printf(Locale.ROOT, "  %-" + w + "s  %5d x %-5d %,10d%n", t.getName(), t.getRows(), t.getCols(), t.getValuesCount());
            total += t.getValuesCount();
        }
        out.printf(Locale.ROOT, "  %-" + w + "s  %13s %,10d%n", "total", "", total);
        network(c).ifPresent(n -> {
            out.println("layers");
            Describe.table(n, c.getConfig().getNetwork().getLayersList())
                    .forEach(l -> out.println("  " + l));
        });
        if (c.getHistoryCount() > 0) {
            MetricRecord first = c.getHistory(0), last = c.getHistory(c.getHistoryCount() - 1);
            // the dev accuracy of the first and last evaluations; none without a dev set
            List<MetricRecord> evaluated = c.getHistoryList().stream().filter(m -> !Double.isNaN(m.getDevAccuracy())).toList();
            String dev = evaluated.isEmpty() ? "" : String.format(Locale.ROOT, "; dev accuracy %.4f → %.4f",
                    evaluated.get(0).getDevAccuracy(), evaluated.get(evaluated.size() - 1).getDevAccuracy());
            out.printf(Locale.ROOT, "metrics         %d points; loss %.4f → %.4f%s%n", c.getHistoryCount(),
                    first.getLoss(), last.getLoss(), dev);
        }
        if (c.hasBest()) {
            out.printf(Locale.ROOT, "best            %s %.4f at step %d%n", c.getBest().getMetric(), c.getBest().getValue(), c.getBest().getStep());
        }
        out.printf(Locale.ROOT, "provenance      sinapse %s, java %s, %s, created %s%n", pr.getSinapseVersion(), pr.getJavaVersion(), pr.getOs(), pr.getCreatedAt());
        out.printf(Locale.ROOT, "data            %s (%d train rows, %d dev rows), sha256 %s%n", pr.getDataSource(), pr.getTrainRows(), pr.getDevRows(), pr.getDataSha256());
        if (!pr.getInitFrom().isEmpty()) {
            out.printf(Locale.ROOT, "init from       %s (params_sha256 %s)%n", pr.getInitFrom(), pr.getInitFromParamsSha256());
        }
        out.printf(Locale.ROOT, "params_sha256   %s%n", Tensors.paramsSha256(c.getParamsList()));
        out.println("config");
        c.getConfigText().lines().forEach(l -> out.println("  " + l));
    }

}
