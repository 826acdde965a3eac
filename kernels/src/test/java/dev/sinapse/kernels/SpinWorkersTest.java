package dev.sinapse.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    void aCallTakesTheFewestThreadsThatFinishInAsFewRounds() {
        assertThat(SpinWorkers.participants(2, 16)).isEqualTo(2);
        assertThat(SpinWorkers.participants(24, 16)).isEqualTo(12);
        assertThat(SpinWorkers.participants(24, 8)).isEqualTo(8);
        assertThat(SpinWorkers.participants(17, 16)).isEqualTo(9);
        for (int threads = 1; threads <= 40; threads++) {
            for (int count = 1; count <= 300; count++) {
                int p = SpinWorkers.participants(count, threads);
                int rounds = (count + Math.min(count, threads) - 1) / Math.min(count, threads);
                assertThat(p).as("%d tasks, %d threads", count, threads).isBetween(1, Math.min(count, threads));
                assertThat((count + p - 1) / p).as("rounds of %d tasks on %d threads", count, threads).isEqualTo(rounds);
                if (p > 1) {
                    assertThat((count + p - 2) / (p - 1)).as("one thread fewer takes more rounds").isGreaterThan(rounds);
                }
            }
        }
    }

    /** Fifty calls of two tasks of 0.2 ms each, each task run once: the names of the helpers that ran some. */
    private static Set<String> helpersRunningPairs(SpinWorkers w) {
        Thread caller = Thread.currentThread();
        Set<String> names = ConcurrentHashMap.newKeySet();
        for (int call = 0; call < 50; call++) {
            AtomicIntegerArray ran = new AtomicIntegerArray(2);
            w.forEach(2, i -> {
                if (Thread.currentThread() != caller) {
                    names.add(Thread.currentThread().getName());
                }
                ran.incrementAndGet(i);
                long until = System.nanoTime() + 200_000; // long enough for a helper to take the other task
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            });
            assertThat(ran.get(0)).isEqualTo(1);
            assertThat(ran.get(1)).isEqualTo(1);
        }
        return names;
    }

    @Test
    void aCallOfFewTasksWakesOnlyTheHelpersItNeeds() {
        SpinWorkers w = new SpinWorkers(6);
        // the other four would only race the caller and the first helper for a call's two tasks
        assertThat(helpersRunningPairs(w)).as("helpers that ran tasks").isSubsetOf("sinapse-kernel-1");
        assertThat(w.liveHelpers()).as("helpers started by calls of two tasks").isEqualTo(1);
        runAll(w, 12);
        assertThat(w.liveHelpers()).as("a call of twelve tasks starts the rest").isEqualTo(5);
        assertThat(helpersRunningPairs(w)).as("helpers that ran tasks, all five alive").isSubsetOf("sinapse-kernel-1");
        for (int call = 0; call < 200; call++) {
            runAll(w, 1 + call % 8); // calls needing 0..5 helpers, some of them parked, still run every task once
        }
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

    /** Tasks long enough that a helper takes some: the threads other than the caller's that ran them go in used. */
    private static void runSlowly(ParallelCompute compute, int count, Set<Thread> used) {
        Thread caller = Thread.currentThread();
        compute.forEach(count, i -> {
            if (Thread.currentThread() != caller) {
                used.add(Thread.currentThread());
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void computesOfOneThreadCountShareTheirHelpers() {
        // five threads: no other test of this class uses the shared set of that size
        ParallelCompute a = ParallelCompute.create(5), b = ParallelCompute.create(5);
        Set<Thread> used = ConcurrentHashMap.newKeySet();
        for (int call = 0; call < 4; call++) {
            runSlowly(a, 24, used);
            runSlowly(b, 24, used);
        }
        // with a set each, the two computes' helpers would be eight threads taking cores from each other
        assertThat(used).as("helpers that ran tasks").isNotEmpty().hasSizeLessThanOrEqualTo(4);
        assertThat(SpinWorkers.shared(5)).isSameAs(SpinWorkers.shared(5)).isNotSameAs(SpinWorkers.shared(4));
    }

    @Test
    void aCallFromInsideAnotherComputesTaskRunsOnItsOwnThread() {
        ParallelCompute outer = ParallelCompute.create(3), inner = ParallelCompute.create(3);
        AtomicIntegerArray ran = new AtomicIntegerArray(6 * 5);
        outer.forEach(6, i -> {
            Thread t = Thread.currentThread();
            inner.forEach(5, j -> {
                assertThat(Thread.currentThread()).as("a nested call runs on its caller's thread").isSameAs(t);
                ran.incrementAndGet(i * 5 + j);
            });
        });
        for (int i = 0; i < ran.length(); i++) {
            assertThat(ran.get(i)).as("task %d ran once", i).isEqualTo(1);
        }
    }
}
