package dev.sinapse.apps.cli;

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
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.config.Json;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.Experiment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code summary [--config FILE [--set PATH=VALUE]... | --checkpoint CKPT] [--json]}: the network's layers with their
 * output shape, parameter count and forward FLOPs per sample ({@link Layer#forwardFlopsPerSample}), and the totals.
 * The network is built from the config alone (or the checkpoint's config and weights): no data is read.
 */
@Command(name = "summary", description = "A table of the network's layers: output shape, parameters and forward FLOPs per sample, with totals. Reads no data.")
public final class SummaryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Experiment file (.textproto or .json). Default: the bundled article config.")
    Path config;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Override a config field, as train's --set. Repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--checkpoint", paramLabel = "CKPT", description = "Summarise the network of a checkpoint instead of a config.")
    Path checkpoint;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    /** One row of the table; {@code type} is the config's key ("dense"), or the activation key of a dense's activation option. */
    @Override
    public Integer call() {
        if (checkpoint != null && (config != null || !sets.isEmpty())) {
            throw new SinapseException("summary: give --config (with --set) or --checkpoint, not both");
        }
        Registries registries = Injection.registries();
        Experiment e;
        Network net;
        String source;
        if (checkpoint != null) {
            Checkpoint c = CheckpointFile.read(checkpoint);
            CheckpointCheck.check(c, checkpoint, registries);
            e = c.getConfig();
            net = Models.load(c, checkpoint, registries);
            source = checkpoint.toString();
        } else {
            Experiments.Loaded l = Experiments.load(config, sets);
            e = l.experiment();
            // the weights drawn here are never shown: only shapes and counts are
            net = Models.build(e, registries, new Rng(0));
            source = l.source();
        }
        List<Describe.LayerRow> rows = rows(e, net);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(toJson(e, net, source, rows)));
        } else {
            print(e, net, source, rows, out);
        }
        out.flush();
        return 0;
    }

    static List<Describe.LayerRow> rows(Experiment e, Network net) {
        return Describe.rows(net, e.getNetwork().getLayersList());
    }

    static String shape(int[] s) {
        return Arrays.stream(s).mapToObj(Integer::toString).collect(Collectors.joining(" × "));
    }

    private static void print(Experiment e, Network net, String source, List<Describe.LayerRow> rows, PrintWriter out) {
        out.printf(Locale.ROOT, "network %s from %s: %d inputs%n", e.getName().isEmpty() ? "" : "'" + e.getName() + "'",
                source, net.inputSize());
        Describe.table(net, e.getNetwork().getLayersList()).forEach(out::println);
    }

    static Map<String, Object> toJson(Experiment e, Network net, String source, List<Describe.LayerRow> rows) {
        List<Object> layers = new ArrayList<>();
        long params = 0, flops = 0;
        for (Describe.LayerRow r : rows) {
            List<Object> shape = new ArrayList<>();
            for (int d : r.shape()) {
                shape.add(d);
            }
            layers.add(Json.object("name", r.name(), "type", r.type(), "output_shape", shape, "params", r.params(),
                    "flops_per_sample", r.flops()));
            params += r.params();
            flops += r.flops();
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", e.getName());
        json.put("source", source);
        json.put("inputs", net.inputSize());
        json.put("layers", layers);
        json.put("total_params", params);
        json.put("total_flops_per_sample", flops);
        return json;
    }
}
