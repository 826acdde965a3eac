package dev.sinapse.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every shipped sweep config plans, and a trial of it trains (one epoch, in this JVM, without Spark). */
class ShippedSweepsTest {
    @TempDir
    Path tmp;

    @Test
    void theArticleGridPlansSixTrialsAndItsFirstTrainsOneEpoch() {
        Path file = Path.of("configs/article-sweep.textproto");
        SweepPlan plan = SweepPlan.of(SweepPlan.read(file), file);
        assertThat(plan.trials()).hasSize(6);
        assertThat(plan.epochs(plan.trials().get(0), 0)).isEqualTo(500);
        SweepPlan.Trial first = plan.trials().get(0);
        TrialResult r = new TrialTask(first.id(), plan.base(), plan.baseDir(), plan.baseSource(), first.sets(), 1,
                tmp.resolve(first.id()), "", plan.objective()).call();
        assertThat(r.status()).as(r.error()).isEqualTo(TrialResult.DONE);
        assertThat(r.steps()).isEqualTo(1);
        // ten classes: one epoch from random weights sits near chance, a finite loss near ln 10
        assertThat(r.devLoss()).isBetween(1.0, 5.0);
        assertThat(TrialResult.read(tmp.resolve(first.id()), 1, plan.objective())).isEqualTo(r);
    }

    @Test
    void theArticleHalvingSearchPlansSixteenSeededDrawsOverThreeRungs() {
        Path file = Path.of("configs/article-halving.textproto");
        SweepPlan plan = SweepPlan.of(SweepPlan.read(file), file);
        assertThat(plan.trials()).hasSize(16);
        assertThat(plan.rungs()).containsExactly(20, 80, 320);
        assertThat(plan.trials()).allSatisfy(t -> {
            double lr = Double.parseDouble(t.values().get("optimizer.learning_rate"));
            int units = Integer.parseInt(t.values().get("network.layers[hidden].options.units"));
            assertThat(lr).isBetween(0.01, 1.0);
            assertThat(units).isBetween(8, 64);
        });
    }
}
