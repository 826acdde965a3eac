package dev.sinapse.apps.inference;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.Registries;
import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.Injection;
import dev.sinapse.io.checkpoint.Tensors;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.io.proto.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sizes a stored config declares, against its tensors, before a network is built. */
class ModelsTest {
    private static final Registries REGISTRIES = Injection.registries();
    private static final Path FILE = Path.of("runs/x/last.ckpt");

    /** 20 inputs → dense 'hidden' (8) → batch norm → relu → dropout → dense 'output' (3) → softmax. */
    private static Experiment config(String hiddenUnits, int inputSize) {
        return ConfigFiles.parseText("""
                network {
                  input_size: %d
                  layers { name: "hidden" type: "dense" options { key: "units" value: "%s" } }
                  layers { name: "bn" type: "batch_norm" }
                  layers { name: "relu" type: "relu" }
                  layers { name: "drop" type: "dropout" options { key: "rate" value: "0.5" } }
                  layers { name: "output" type: "dense" options { key: "units" value: "3" } }
                  layers { name: "softmax" type: "softmax" }
                }""".formatted(inputSize, hiddenUnits), "x.textproto");
    }

    /** The tensors of the network {@code e} builds, as a checkpoint stores them. */
    private static List<Tensor> tensorsOf(Experiment e) {
        Network net = Models.build(e, REGISTRIES, new Rng(1));
        List<Tensor> out = new ArrayList<>();
        for (Param p : net.params()) {
            out.add(Tensors.toProto(p.name(), p.value()));
        }
        return out;
    }

    @Test
    void theTensorsOfTheNetworkAConfigBuildsPass() {
        Experiment e = config("8", 20);
        assertThatCode(() -> Models.checkSizes(e, tensorsOf(e), FILE, REGISTRIES)).doesNotThrowAnyException();
    }

    @Test
    void declaredUnitsOrInputsBeyondTheStoredWeightsNameBothShapes() {
        List<Tensor> stored = tensorsOf(config("8", 20));
        assertThatThrownBy(() -> Models.checkSizes(config("2000000", 20), stored, FILE, REGISTRIES))
                .isInstanceOf(SinapseException.class)
                .hasMessage(FILE + ": tensor 'hidden.W' is 8x20, but the network expects 2000000x20");
        assertThatThrownBy(() -> Models.checkSizes(config("8", 5_000_000), stored, FILE, REGISTRIES))
                .hasMessage(FILE + ": tensor 'hidden.W' is 8x20, but the network expects 8x5000000");
    }

    @Test
    void afterALayerThatMayChangeTheSizeOnlyTheRowsAreCompared() {
        // dropout is not an activation and has no tensors: the size after it is not taken for known
        Experiment e = config("8", 20);
        Experiment wider = e.toBuilder().setNetwork(e.getNetwork().toBuilder().setLayers(4,
                e.getNetwork().getLayers(4).toBuilder().putOptions("units", "300000"))).build();
        assertThatThrownBy(() -> Models.checkSizes(wider, tensorsOf(e), FILE, REGISTRIES))
                .hasMessage(FILE + ": tensor 'output.W' is 3x8, but the network expects 300000 rows");
    }

    @Test
    void aPlugInsOwnUnitsNeedAtLeastAValuePerUnit() {
        Experiment e = ConfigFiles.parseText("""
                network {
                  input_size: 4
                  layers { name: "p" type: "some_plugin" options { key: "units" value: "1000000" } }
                }""", "x.textproto");
        List<Tensor> small = List.of(Tensor.newBuilder().setName("p.kernel").setRows(1).setCols(2).addValues(1f).addValues(2f).build());
        assertThatThrownBy(() -> Models.checkSizes(e, small, FILE, REGISTRIES))
                .hasMessage(FILE + ": layer 'p' declares units: 1000000, but its tensors hold 2 values");
        assertThatThrownBy(() -> Models.checkSizes(e, List.of(), FILE, REGISTRIES))
                .hasMessage(FILE + ": has no tensor 'p.W' for the network in its config");
    }
}
