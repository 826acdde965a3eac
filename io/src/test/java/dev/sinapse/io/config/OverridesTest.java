package dev.sinapse.io.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.SinapseException;
import dev.sinapse.io.proto.Experiment;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverridesTest {
    private static final Experiment BASE = ConfigFiles.parseText(ConfigFilesTest.TEXT, "exp.textproto");

    private static Experiment set(String... assignments) {
        return Overrides.apply(BASE, List.of(assignments));
    }

    private static void fails(String assignment, String message) {
        assertThatThrownBy(() -> set(assignment)).isInstanceOf(SinapseException.class).hasMessage(message);
    }

    @Test
    void setsScalarsOfEachTypeByTheirProtoNames() {
        Experiment e = set("training.epochs=50", "optimizer.learning_rate=0.05", "data.path=/x.csv",
                "training.early_stopping.patience=3", "data.pixel_scale=127.5", "data.shuffle_seed=18446744073709551615",
                "training.early_stopping.restore_best=false", "optimizer.schedule.warmup_steps=100", "name=run 2");
        assertThat(e.getTraining().getEpochs()).isEqualTo(50);
        assertThat(e.getOptimizer().getLearningRate()).isCloseTo(0.05, within(1e-15));
        assertThat(e.getData().getPath()).isEqualTo("/x.csv");
        assertThat(e.getTraining().getEarlyStopping().getPatience()).isEqualTo(3);
        assertThat(e.getData().getPixelScale()).isCloseTo(127.5f, within(0f));
        assertThat(e.getData().getShuffleSeed()).isEqualTo(-1L); // 2^64 − 1 as an unsigned long
        assertThat(e.getTraining().getEarlyStopping().hasRestoreBest()).isTrue();
        assertThat(e.getTraining().getEarlyStopping().getRestoreBest()).isFalse();
        assertThat(e.getOptimizer().getSchedule().getWarmupSteps()).isEqualTo(100L);
        assertThat(e.getName()).isEqualTo("run 2");
        // untouched fields keep their values
        assertThat(e.getTraining().getBatchSize()).isEqualTo(32);
        assertThat(e.getNetwork()).isEqualTo(BASE.getNetwork());
    }

    @Test
    void laterAssignmentsWin() {
        assertThat(set("training.epochs=5", "training.epochs=6").getTraining().getEpochs()).isEqualTo(6);
    }

    @Test
    void setsAValueInsideAMessageThatWasNotSet() {
        Experiment e = Overrides.apply(Experiment.getDefaultInstance(), List.of("training.early_stopping.min_delta=0.01"));
        assertThat(e.getTraining().getEarlyStopping().getMinDelta()).isCloseTo(0.01, within(1e-15));
    }

    @Test
    void selectsLayersByIndexByNameOrByTheirDefaultName() {
        Experiment e = set("network.layers[0].options.units=32", "network.layers[dense3].options.units=5",
                "network.layers[1].type=sigmoid");
        assertThat(e.getNetwork().getLayers(0).getOptionsMap()).containsEntry("units", "32");
        assertThat(e.getNetwork().getLayers(2).getOptionsMap()).containsEntry("units", "5");
        assertThat(e.getNetwork().getLayers(1).getType()).isEqualTo("sigmoid");
        Experiment named = set("network.layers[hidden].options.units=64");
        assertThat(named.getNetwork().getLayers(0).getOptionsMap()).containsEntry("units", "64");
    }

    @Test
    void setsMapEntriesByKeyReplacingOrAdding() {
        Experiment e = set("optimizer.options.beta1=0.95", "optimizer.options.beta2=0.999",
                "network.layers[0].options.init=uniform(low=-0.5, high=0.5)", "loss.options[smoothing]=0.1");
        assertThat(e.getOptimizer().getOptionsMap()).containsOnly(
                java.util.Map.entry("beta1", "0.95"), java.util.Map.entry("beta2", "0.999"));
        assertThat(e.getNetwork().getLayers(0).getOptionsMap())
                .containsEntry("init", "uniform(low=-0.5, high=0.5)").containsEntry("units", "10");
        assertThat(e.getLoss().getOptionsMap()).containsEntry("smoothing", "0.1");
    }

    @Test
    void reportsAnUnknownFieldWithTheClosestName() {
        fails("training.epoch=5", "--set training.epoch=5: unknown field 'epoch' in training (did you mean 'epochs'?)");
        fails("trainig.epochs=5", "--set trainig.epochs=5: unknown field 'trainig' in the experiment (did you mean"
                + " 'training'?)");
        fails("network.layers[0].tipe=relu", "--set network.layers[0].tipe=relu: unknown field 'tipe' in"
                + " network.layers[0] (did you mean 'type'?)");
        // nothing is close to 'units' (an option, not a field): the message lists the fields instead
        fails("network.layers[0].units=3", "--set network.layers[0].units=3: unknown field 'units' in network.layers[0];"
                + " its fields are type, name, options");
    }

    @Test
    void rejectsSettingAMessageOrAListOrAMapAsAScalar() {
        fails("network=3", "--set network=3: 'network' is a message, not a scalar");
        fails("network.layers=3", "--set network.layers=3: 'network.layers' is a list; pick an element with"
                + " network.layers[0] or network.layers[name]");
        fails("network.layers[0]=3", "--set network.layers[0]=3: 'network.layers[0]' is a message, not a scalar");
        fails("optimizer.options=3", "--set optimizer.options=3: 'optimizer.options' is a map; set an entry with"
                + " optimizer.options.KEY=value");
        fails("training.epochs.x=3", "--set training.epochs.x=3: 'training.epochs' is a scalar; it has no field 'x'");
        fails("training[0].epochs=3", "--set training[0].epochs=3: 'training' is not a list; it takes no [0]");
    }

    @Test
    void rejectsValuesThatDoNotFitTheFieldType() {
        fails("training.epochs=ten", "--set training.epochs=ten: expected an integer");
        fails("training.epochs=3000000000", "--set training.epochs=3000000000: expected an integer that fits 32 bits");
        fails("training.epochs=2.5", "--set training.epochs=2.5: expected an integer");
        fails("data.shuffle_seed=-1", "--set data.shuffle_seed=-1: expected a non-negative integer");
        fails("optimizer.learning_rate=fast", "--set optimizer.learning_rate=fast: expected a number");
        fails("optimizer.learning_rate=0x1p3", "--set optimizer.learning_rate=0x1p3: expected a number");
        fails("data.pixel_scale=1e40", "--set data.pixel_scale=1e40: expected a number in float range");
        fails("training.early_stopping.restore_best=yes",
                "--set training.early_stopping.restore_best=yes: expected true or false");
    }

    @Test
    void rejectsMalformedAssignmentsAndMissingElements() {
        fails("foo", "--set foo: expected path=value, e.g. training.epochs=50");
        fails("=5", "--set =5: expected path=value, e.g. training.epochs=50");
        fails("network.layers[4].type=relu", "--set network.layers[4].type=relu: index 4 is out of range:"
                + " network.layers has 4 elements");
        fails("network.layers[output].type=relu", "--set network.layers[output].type=relu: no element named 'output'"
                + " in network.layers (names: hidden, relu2, dense3, softmax4)");
        fails("network.layers[0.type=relu", "--set network.layers[0.type=relu: 'layers[0' is missing its closing ']'");
        fails("training..epochs=1", "--set training..epochs=1: empty field name in 'training..epochs'");
    }

    @Test
    void listsTheChangedFieldPaths() {
        Experiment after = set("training.epochs=50", "network.layers[2].options.units=32", "optimizer.options.beta2=0.99",
                "data.dev_rows=1000");
        assertThat(Overrides.changedPaths(BASE, after)).containsExactly(
                "data.dev_rows", "network.layers[2].options.units", "optimizer.options.beta2", "training.epochs");
        assertThat(Overrides.changedPaths(BASE, BASE)).isEmpty();
    }

    @Test
    void countsAnOptionalFieldSetToItsZeroAsAChange() {
        Experiment after = set("data.dev_rows=0");
        assertThat(Overrides.changedPaths(BASE, after)).containsExactly("data.dev_rows");
    }

    @Test
    void reportsADifferentNumberOfLayersAsTheWholeList() {
        Experiment.Builder b = BASE.toBuilder();
        b.getNetworkBuilder().removeLayers(3);
        assertThat(Overrides.changedPaths(BASE, b.build())).containsExactly("network.layers");
    }
}
