package dev.sinapse.apps.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.api.Dataset;
import dev.sinapse.api.Loss;
import dev.sinapse.api.Matrix;
import dev.sinapse.api.Network;
import dev.sinapse.api.Param;
import dev.sinapse.api.Pass;
import dev.sinapse.api.Registry;
import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.Injection;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.data.PixelDataset;
import dev.sinapse.kernels.BatchKernel;
import dev.sinapse.kernels.KernelFactory;
import dev.sinapse.kernels.Kernels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The training loop alone, on a fake kernel that records the rows it is given and leaves a known gradient (1 in
 * every element) and loss: what the trainer adds around a kernel (decay, clipping, the update, positions, log
 * points, early-stopping counters, the state value) is checked against hand-computed numbers.
 */
class TrainerTest {
    /** A kernel whose gradient is 1 everywhere and whose loss is {@link #loss}; it keeps every batch's rows. */
    static final class FakeKernel implements BatchKernel {
        final Network network;
        final List<int[]> batches = new ArrayList<>();
        double loss = 0.5;

        FakeKernel(Network network) {
            this.network = network;
        }

        @Override
        public Result run(Dataset train, int[] order, int from, int to, float scale, Pass pass) {
            batches.add(Arrays.copyOfRange(order, from, to));
            for (Param p : network.params()) {
                Arrays.fill(p.grad().data(), 1f);
            }
            return new Result(loss, to - from);
        }

        @Override
        public String name() {
            return "fake";
        }
    }

    private FakeKernel kernel;

    private Kernels kernels() {
        KernelFactory fake = new KernelFactory() {
            @Override
            public int priority() {
                return 100;
            }

            @Override
            public Optional<BatchKernel> create(Network network, Loss loss, int threads) {
                kernel = new FakeKernel(network);
                return Optional.of(kernel);
            }

            @Override
            public String help() {
                return "test";
            }
        };
        return new Kernels(new Registry<>("kernel", KernelFactory.class, Map.of("fake", fake)));
    }

    /** 10 rows of 4 features, labels 0..2; the first 2 rows are the dev set. */
    private static Experiments.Split split() {
        byte[] px = new byte[10 * 4];
        int[] y = new int[10];
        for (int i = 0; i < 10; i++) {
            y[i] = i % 3;
            px[i * 4 + i % 4] = (byte) 200;
        }
        Dataset all = new PixelDataset("ten", 4, px, y);
        return new Experiments.Split(all.slice(2, 10), all.slice(0, 2));
    }

    private Trainer trainer(String... sets) {
        List<String> all = new ArrayList<>(List.of("network.input_size=4", "network.layers[hidden].options.units=3",
                "network.layers[output].options.units=3", "training.epochs=2", "training.log_every=1"));
        all.addAll(List.of(sets));
        Experiments.Loaded l = Experiments.load(null, all);
        return Trainer.create(l.experiment(), Injection.registries(), split(), kernels(), 1);
    }

    private static List<Matrix> values(Trainer t) {
        List<Matrix> v = new ArrayList<>();
        for (Param p : t.network().params()) {
            v.add(p.value().copy());
        }
        return v;
    }

    @Test
    void aStepIsTheKernelsGradientTimesTheLearningRate() {
        Trainer t = trainer("optimizer.learning_rate=0.25");
        List<Matrix> before = values(t);
        t.step(t.trainingSet().naturalOrder(), 0, 8);
        List<Param> ps = t.network().params();
        for (int i = 0; i < ps.size(); i++) {
            assertThat(ps.get(i).value().data()[0]).isCloseTo(before.get(i).data()[0] - 0.25f, within(1e-7f));
        }
        assertThat(t.step()).isEqualTo(1);
        assertThat(t.kernel().name()).isEqualTo("fake");
    }

    @Test
    void weightDecayReachesOnlyTheWeightsAndClippingScalesTheWholeGradient() {
        // decay 0.5: a weight w gets gradient 1 + 0.5·w, a bias 1; then the global norm is clipped to 0.01
        Trainer t = trainer("optimizer.learning_rate=1", "training.weight_decay=0.5", "training.clip_norm=0.01");
        List<Matrix> before = values(t);
        List<Param> ps = t.network().params();
        double norm2 = 0;
        for (int i = 0; i < ps.size(); i++) {
            for (float w : before.get(i).data()) {
                float g = ps.get(i).decays() ? 1f + 0.5f * w : 1f;
                norm2 += (double) g * g;
            }
        }
        float k = (float) (0.01 / Math.sqrt(norm2));
        t.step(t.trainingSet().naturalOrder(), 0, 8);
        for (int i = 0; i < ps.size(); i++) {
            float w = before.get(i).data()[1];
            float g = ps.get(i).decays() ? 1f + 0.5f * w : 1f;
            assertThat(ps.get(i).value().data()[1]).as(ps.get(i).name()).isCloseTo(w - g * k, within(1e-6f));
        }
    }

    @Test
    void anEpochGivesTheKernelEveryRowOnceInShuffledBatches() {
        Trainer t = trainer("training.batch_size=3", "training.epochs=1");
        t.run(new Trainer.Listener() { }, () -> false);
        assertThat(kernel.batches).extracting(b -> b.length).containsExactly(3, 3, 2);
        int[] seen = kernel.batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(seen).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(t.step()).isEqualTo(3);
        assertThat(t.epoch()).isEqualTo(1);
        assertThat(t.history()).extracting(Metrics::step).containsExactly(1L, 2L, 3L);
        assertThat(t.history().get(0).loss()).isEqualTo(0.5);
        assertThat(t.history().get(0).trainAccuracy()).isEqualTo(1.0);
    }

    @Test
    void aNonFiniteLossStopsTheRunAtThatStep() {
        Trainer t = trainer();
        kernel.loss = Double.NaN;
        assertThatThrownBy(() -> t.step(t.trainingSet().naturalOrder(), 0, 8))
                .isInstanceOf(Trainer.Diverged.class).hasMessageContaining("step 1");
    }

    @Test
    void theStateOfAStoppedRunRestoresIntoAFreshTrainerAndGoesOnTheSameWay() {
        Trainer a = trainer("training.batch_size=3", "training.log_every=3");
        a.run(new Trainer.Listener() { }, () -> a.step() >= 4); // mid second epoch, one step pending
        TrainingState s = a.state();
        assertThat(s.step()).isEqualTo(4);
        assertThat(s.batchInEpoch()).isEqualTo(1);
        assertThat(s.pending().rows()).isEqualTo(3);
        assertThat(s.kernel()).isEqualTo("fake");

        Trainer b = trainer("training.batch_size=3", "training.log_every=3");
        b.restore(s, "test");
        assertThat(b.state()).usingRecursiveComparison().isEqualTo(s);
        a.run(new Trainer.Listener() { }, () -> false);
        int seenBefore = kernel.batches.size();
        b.run(new Trainer.Listener() { }, () -> false);
        assertThat(b.state().epochOrder()).isNull();
        assertThat(b.step()).isEqualTo(a.step());
        assertThat(b.history()).extracting(Metrics::step, Metrics::loss, Metrics::devAccuracy)
                .isEqualTo(a.history().stream().map(m -> org.assertj.core.groups.Tuple.tuple(m.step(), m.loss(), m.devAccuracy())).toList());
        assertThat(kernel.batches.size() - seenBefore).isEqualTo(2);
    }

    @Test
    void aStateFromAKernelThatIsNotBoundIsRefusedWithTheKnownOnes() {
        Trainer t = trainer();
        TrainingState other = t.state().withKernel("warp");
        assertThatThrownBy(() -> t.restore(other, "x.ckpt")).isInstanceOf(SinapseException.class)
                .hasMessageContaining("x.ckpt: kernel: unknown kernel 'warp'").hasMessageContaining("fake");
    }

    @Test
    void anEpochOrderThatDoesNotFitTheTrainingSetIsRefused() {
        Trainer t = trainer("training.batch_size=3");
        TrainingState s = t.state();
        TrainingState bad = new TrainingState(0, 1, 1, new int[] {0, 1, 2}, s.shuffleRng(), s.dropoutRng(), List.of(),
                null, 0, null, TrainingState.Pending.NONE, false, false, 0, "fake");
        assertThatThrownBy(() -> t.restore(bad, "x.ckpt")).hasMessage("x.ckpt: the saved epoch order has 3 rows, the training set 8");
    }
}
