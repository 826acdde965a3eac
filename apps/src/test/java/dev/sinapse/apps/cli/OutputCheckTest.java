package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.sinapse.io.checkpoint.CheckpointFile;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.proto.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a network may end in for its loss. cross_entropy reads a softmax output as probabilities and raw scores as
 * logits (softmax folded into the loss, as PyTorch's CrossEntropyLoss): the article network trains to the same
 * model either way. An output the loss cannot read, or a width other than the classes, is refused before training.
 */
class OutputCheckTest {
    private static final String SOFTMAX_LAYER = "layers { name: \"softmax\" type: \"softmax\" }";

    @TempDir
    static Path tmp;
    static Path data;
    static Path withSoftmax;
    static Path scores;

    @BeforeAll
    static void configs() throws Exception {
        data = Cli.smallCsv(tmp, 700);
        withSoftmax = Cli.articleConfig(tmp, data, "with-softmax", "");
        scores = tmp.resolve("scores.textproto");
        String text = Files.readString(withSoftmax);
        assertThat(text).contains(SOFTMAX_LAYER);
        Files.writeString(scores, text.replace(SOFTMAX_LAYER, "").replace("\"with-softmax\"", "\"scores\""));
    }

    private static Cli.Result train(Path config, String name, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--quiet", "--config", config.toString(),
                "--out", tmp.resolve(name).toString(), "--set", "training.epochs=60"));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void withoutItsSoftmaxLayerTheArticleNetworkTrainsToTheSameModel() {
        // on the layer-by-layer kernel both run the same arithmetic: the softmax in the loss is the softmax layer's
        Cli.Result a = train(withSoftmax, "a", "--kernel", "layers");
        Cli.Result b = train(scores, "b", "--kernel", "layers");
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(b.code()).as(b.err()).isZero();
        Checkpoint ca = CheckpointFile.read(tmp.resolve("a/last.ckpt"));
        Checkpoint cb = CheckpointFile.read(tmp.resolve("b/last.ckpt"));
        assertThat(Tensors.paramsSha256(cb.getParamsList())).isEqualTo(Tensors.paramsSha256(ca.getParamsList()));
        var last = cb.getHistory(cb.getHistoryCount() - 1);
        assertThat(last.getDevAccuracy()).as("far above chance").isGreaterThan(0.5)
                .isEqualTo(ca.getHistory(ca.getHistoryCount() - 1).getDevAccuracy());
        assertThat(last.getDevLoss()).isCloseTo(ca.getHistory(ca.getHistoryCount() - 1).getDevLoss(), within(1e-5));
    }

    @Test
    void aScoresModelEvaluatesAndPredictsWithProbabilities() throws Exception {
        Cli.Result t = train(scores, "eval");
        assertThat(t.code()).as(t.err()).isZero();
        Path ckpt = tmp.resolve("eval/last.ckpt");
        ReferenceModel reference = new ReferenceModel(ckpt);
        List<ReferenceModel.Row> rows = ReferenceModel.readCsv(data);
        long right = 0;
        double lossSum = 0;
        for (ReferenceModel.Row r : rows) {
            right += reference.predict(r.pixels()) == r.label() ? 1 : 0;
            lossSum += reference.crossEntropy(r.pixels(), r.label());
        }
        Cli.Result ev = Cli.run("evaluate", "--checkpoint", ckpt.toString(), "--data", data.toString(), "--json");
        assertThat(ev.code()).as(ev.err()).isZero();
        Struct.Builder json = Struct.newBuilder();
        JsonFormat.parser().merge(ev.out(), json);
        assertThat(json.getFieldsMap().get("accuracy").getNumberValue()).isCloseTo(right / (double) rows.size(), within(1e-12));
        assertThat(json.getFieldsMap().get("loss").getNumberValue()).isCloseTo(lossSum / rows.size(), within(1e-4));

        Path out = tmp.resolve("p.csv");
        Cli.Result p = Cli.run("predict", "--checkpoint", ckpt.toString(), "--input", data.toString(), "--output",
                out.toString(), "--probabilities");
        assertThat(p.code()).as(p.err()).isZero();
        for (String line : Files.readAllLines(out).subList(1, 51)) {
            String[] c = line.split(",");
            double sum = 0;
            for (int k = 0; k < 10; k++) {
                double pk = Double.parseDouble(c[2 + k]);
                assertThat(pk).isBetween(0.0, 1.0);
                sum += pk;
            }
            assertThat(sum).isCloseTo(1.0, within(1e-4));
        }
    }

    @Test
    void anActivationLastIsRefusedForCrossEntropyWithWhatToChange() throws Exception {
        Path reluLast = tmp.resolve("relu-last.textproto");
        Files.writeString(reluLast, Files.readString(scores).replace("}\n\nloss", "  layers { name: \"last\" type: \"relu\" }\n}\n\nloss"));
        Cli.Result r = train(reluLast, "relu-last");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().trim()).isEqualTo("error: network: cross_entropy cannot read the output of the last layer 'last',"
                + " an activation: its values are neither probabilities nor free scores; end the network with a dense"
                + " layer (scores, softmax folded into the loss) or with a softmax layer");
        assertThat(tmp.resolve("relu-last/last.ckpt")).doesNotExist();
    }

    @Test
    void moreOutputsThanClassesIsRefusedForEveryLoss() {
        for (String loss : List.of("cross_entropy", "mse")) {
            Cli.Result r = train(withSoftmax, "wide-" + loss, "--set", "loss.type=" + loss,
                    "--set", "network.layers[output].options.units=12");
            assertThat(r.code()).as(loss).isEqualTo(2);
            assertThat(r.err().trim()).as(loss).isEqualTo("error: network: the last layer gives 12 outputs, but " + data
                    + " has 10 classes (labels 0..9); give the last dense layer units: 10");
        }
    }
}
