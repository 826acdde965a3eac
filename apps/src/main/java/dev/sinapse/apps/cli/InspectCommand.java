package dev.sinapse.apps.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.training.CheckpointCheck;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.MetricRecord;
import dev.sinapse.io.proto.Provenance;
import dev.sinapse.io.proto.Tensor;
import dev.sinapse.io.proto.TrainingPosition;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Override
    public Integer call() throws InvalidProtocolBufferException {
        Checkpoint c = CheckpointFile.read(file);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonFormat.printer().print(toJson(c)));
        } else {
            printText(c, out);
        }
        out.flush();
        // shown as it is, damaged or not; then checked as every command that loads it checks it, for the exit code
        CheckpointCheck.check(c, file, Injection.registries());
        return 0;
    }

    static Struct toJson(Checkpoint c) {
        TrainingPosition p = c.getPosition();
        ListValue.Builder params = ListValue.newBuilder();
        long count = 0;
        for (Tensor t : c.getParamsList()) {
            params.addValues(Value.newBuilder().setStructValue(Struct.newBuilder()
                    .putFields("name", str(t.getName()))
                    .putFields("shape", Value.newBuilder().setListValue(ListValue.newBuilder()
                            .addValues(num(t.getRows())).addValues(num(t.getCols()))).build())
                    .putFields("count", num(t.getValuesCount()))));
            count += t.getValuesCount();
        }
        ListValue.Builder history = ListValue.newBuilder();
        for (MetricRecord m : c.getHistoryList()) {
            Struct.Builder point = Struct.newBuilder()
                    .putFields("step", num(m.getStep())).putFields("epoch", num(m.getEpoch()))
                    .putFields("loss", num(m.getLoss())).putFields("train_accuracy", num(m.getTrainAccuracy()));
            if (!Double.isNaN(m.getDevAccuracy())) {
                // left out where the dev set was not evaluated
                point.putFields("dev_loss", num(m.getDevLoss())).putFields("dev_accuracy", num(m.getDevAccuracy()));
            }
            history.addValues(Value.newBuilder().setStructValue(point
                    .putFields("learning_rate", num(m.getLearningRate()))
                    .putFields("elapsed_seconds", num(m.getElapsedSeconds()))));
        }
        Provenance pr = c.getProvenance();
        return Struct.newBuilder()
                .putFields("format_version", num(c.getFormatVersion()))
                .putFields("name", str(c.getConfig().getName()))
                .putFields("config", str(c.getConfigText()))
                .putFields("position", Value.newBuilder().setStructValue(Struct.newBuilder()
                        .putFields("epoch", num(p.getEpoch())).putFields("step", num(p.getStep()))
                        .putFields("batch_in_epoch", num(p.getBatchInEpoch()))
                        .putFields("epochs_total", num(c.getConfig().getTraining().getEpochs()))
                        .putFields("finished", Value.newBuilder().setBoolValue(p.getFinished()).build())).build())
                .putFields("kernel", str(kernel(c)))
                .putFields("params", Value.newBuilder().setListValue(params).build())
                .putFields("param_count", num(count))
                .putFields("optimizer", Value.newBuilder().setStructValue(Struct.newBuilder()
                        .putFields("type", str(c.getOptimizer().getType()))
                        .putFields("learning_rate", num(c.getConfig().getOptimizer().getLearningRate()))
                        .putFields("step", num(c.getOptimizer().getState().getLongsOrDefault("t", 0)))
                        .putFields("state_tensors", num(c.getOptimizer().getState().getTensorsCount()))).build())
                .putFields("best", Value.newBuilder().setStructValue(Struct.newBuilder()
                        .putFields("metric", str(c.getBest().getMetric())).putFields("value", num(c.getBest().getValue()))
                        .putFields("step", num(c.getBest().getStep()))).build())
                .putFields("history", Value.newBuilder().setListValue(history).build())
                .putFields("provenance", Value.newBuilder().setStructValue(Struct.newBuilder()
                        .putFields("sinapse_version", str(pr.getSinapseVersion())).putFields("java_version", str(pr.getJavaVersion()))
                        .putFields("os", str(pr.getOs())).putFields("created_at", str(pr.getCreatedAt()))
                        .putFields("data_source", str(pr.getDataSource())).putFields("data_sha256", str(pr.getDataSha256()))
                        .putFields("train_rows", num(pr.getTrainRows())).putFields("dev_rows", num(pr.getDevRows()))).build())
                .putFields("params_sha256", str(Tensors.paramsSha256(c.getParamsList())))
                .build();
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
        out.printf(Locale.ROOT, "params_sha256   %s%n", Tensors.paramsSha256(c.getParamsList()));
        out.println("config");
        c.getConfigText().lines().forEach(l -> out.println("  " + l));
    }

    private static Value num(double d) {
        return Value.newBuilder().setNumberValue(d).build();
    }

    private static Value str(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }
}
