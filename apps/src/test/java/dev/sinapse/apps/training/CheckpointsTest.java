package dev.sinapse.apps.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.proto.Cadence;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.Experiment;
import dev.sinapse.io.proto.ScheduleUnit;
import org.junit.jupiter.api.Test;

/** The config a checkpoint resumes: fields added since it was written behave as they did then. */
class CheckpointsTest {
    @Test
    void aRunFromBeforeEvalEveryEvaluatesAtItsLogPointsAndCountsItsScheduleInSteps() {
        Experiment old = ConfigFiles.parseText("""
                optimizer { schedule { type: "step" options: [{ key: "step_size" value: "5" }] } }
                training { log_every: 7 }
                """, "old");
        Experiment e = Checkpoints.experiment(Checkpoint.newBuilder().setConfig(old).build());
        assertThat(e.getTraining().getEvalEvery()).isEqualTo(Cadence.newBuilder().setSteps(7).build());
        assertThat(e.getOptimizer().getSchedule().getUnit()).isEqualTo(ScheduleUnit.STEPS);
        // resolved again on resume, nothing reads as changed
        assertThat(ConfigFiles.withDefaults(e).getTraining().getEvalEvery()).isEqualTo(e.getTraining().getEvalEvery());
    }

    @Test
    void aRunThatSetsThemKeepsThem() {
        Experiment now = ConfigFiles.parseText("""
                optimizer { schedule { type: "step" unit: EPOCHS } }
                training { log_every: 7 eval_every { epochs: 2 } }
                """, "now");
        assertThat(Checkpoints.experiment(Checkpoint.newBuilder().setConfig(now).build())).isEqualTo(now);
    }
}
