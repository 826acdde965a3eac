package dev.sinapse.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class SpinWorkersTest {
    private static void runAll(SpinWorkers w, int count) {
        AtomicIntegerArray ran = new AtomicIntegerArray(count);
        w.forEach(count, ran::incrementAndGet);
        for (int i = 0; i < count; i++) {
            assertThat(ran.get(i)).as("task %d ran once", i).isEqualTo(1);
        }
    }

    @Test
    void everyTaskRunsExactlyOnceCallAfterCall() {
        SpinWorkers w = new SpinWorkers(2);
        for (int call = 0; call < 2_000; call++) {
            runAll(w, 1 + call % 7);
        }
    }

    @Test
    void idleHelpersEndAndComeBackOnTheNextCall() throws InterruptedException {
        SpinWorkers w = new SpinWorkers(3, 1_000_000_000L); // 1 s: long enough that a loaded machine still sees them alive
        assertThat(w.liveHelpers()).as("no threads before the first call").isZero();
        runAll(w, 8);
        assertThat(w.liveHelpers()).isEqualTo(2);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (w.liveHelpers() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(w.liveHelpers()).as("helpers idle for 1 s have ended").isZero();
        runAll(w, 8);
        assertThat(w.liveHelpers()).as("started again").isEqualTo(2);
    }

    @Test
    void aTaskFailureIsRethrownAfterTheOthersRan() {
        SpinWorkers w = new SpinWorkers(2);
        AtomicIntegerArray ran = new AtomicIntegerArray(6);
        assertThatThrownBy(() -> w.forEach(6, i -> {
            ran.incrementAndGet(i);
            if (i == 3) {
                throw new IllegalStateException("task 3");
            }
        })).hasMessage("task 3");
        for (int i = 0; i < 6; i++) {
            assertThat(ran.get(i)).isEqualTo(1);
        }
        runAll(w, 5); // still usable
    }
}
