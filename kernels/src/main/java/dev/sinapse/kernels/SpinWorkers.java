package dev.sinapse.kernels;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Daemon threads that run {@code task.accept(i)} for i in [0, tasks) with the caller, for work units of tens of
 * microseconds (a batch of 128 rows split in two): an executor's hand-off (queue, park, unpark, future) costs
 * about as much as the work. Idle helpers spin for {@value #SPIN_NANOS} ns, long enough to cover an optimizer
 * step between two batches, then park; after {@link #IDLE_NANOS} ns without work they end, and the next call
 * starts them again, so kernels that are no longer used do not keep threads.
 *
 * <p>As with {@link dev.sinapse.api.Compute#forEach}, tasks must not depend on which thread runs them, so the
 * result is the same for any thread count.
 *
 * <p>Computes and kernels take their helpers from {@link #shared}: one set per thread count in the process. With a
 * set each, the trainer's optimizer updates and a kernel's products had two helpers spinning on two cores beside the
 * caller, each taking a core from the other's work.
 */
final class SpinWorkers {
    private static final long SPIN_NANOS = 200_000;
    private static final ConcurrentHashMap<Integer, SpinWorkers> SHARED = new ConcurrentHashMap<>();
    /** A helper idle this long ends; the next call starts a new one. */
    static final long IDLE_NANOS = 5_000_000_000L;

    private final AtomicReferenceArray<Thread> helpers;
    private final long idleNanos;
    // generation << 32 | next task: a helper that wakes late cannot take a task of the next call
    private final AtomicLong claim = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile long generation;
    /**
     * The call's generation, body and task count, published as one value: a helper that read them as three fields
     * could pair a late generation with the next call's body and count, and take a task of the next call under
     * the old generation before its claim counter is reset (the task then ran twice).
     */
    private record Job(long generation, IntConsumer body, int count) {
    }

    private volatile Job job;
    private volatile RuntimeException failure;
    /** How many helpers are parked or about to park; while all spin, a call needs no unpark (a system call). */
    private final AtomicInteger sleeping = new AtomicInteger();
    /** A call is running on the helpers: a nested or concurrent call runs its tasks on its own thread instead. */
    private final AtomicBoolean busy = new AtomicBoolean();

    /** The process's helpers for {@code threads} threads, the caller's included; started on first use. */
    static SpinWorkers shared(int threads) {
        return SHARED.computeIfAbsent(threads, SpinWorkers::new);
    }

    SpinWorkers(int threads) {
        this(threads, IDLE_NANOS);
    }

    SpinWorkers(int threads, long idleNanos) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.helpers = new AtomicReferenceArray<>(threads - 1);
        this.idleNanos = idleNanos;
    }

    int threads() {
        return helpers.length() + 1;
    }

    /** Helper threads alive now (for tests). */
    int liveHelpers() {
        int n = 0;
        for (int i = 0; i < helpers.length(); i++) {
            Thread t = helpers.get(i);
            if (t != null && t.isAlive()) {
                n++;
            }
        }
        return n;
    }

    /**
     * The threads, the caller's included, that a call of {@code count} equal tasks takes: the fewest that finish in
     * as few rounds as all {@code threads} would. On 16 cores, 15 helpers racing for the two tasks of a 32-row
     * batch made every step slower than on 2 (one cache line claimed by 15 cores at once); 24 tasks take 12 threads
     * for two rounds, as 16 would.
     */
    static int participants(int count, int threads) {
        if (count <= 1) {
            return 1;
        }
        int rounds = (count + threads - 1) / threads;
        return (count + rounds - 1) / rounds;
    }

    /** Starts the first {@code needed} helpers where they ended while idle, or were never started. */
    private void ensureHelpers(int needed) {
        for (int i = 0; i < needed; i++) {
            if (helpers.get(i) == null) {
                int slot = i;
                Thread t = new Thread(() -> work(slot), "sinapse-kernel-" + (i + 1));
                t.setDaemon(true);
                if (helpers.compareAndSet(i, null, t)) {
                    t.start();
                }
            }
        }
    }

    /**
     * Runs every task once, on the caller and the helpers; rethrows the first task's exception. A call made while
     * another runs (from inside a task, or from another thread) runs its tasks on its own thread, which gives the
     * same result.
     */
    void forEach(int count, IntConsumer body) {
        if (helpers.length() == 0 || count <= 1 || !busy.compareAndSet(false, true)) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        try {
            runOnHelpers(count, body);
        } finally {
            busy.set(false);
        }
    }

    private void runOnHelpers(int count, IntConsumer body) {
        int needed = participants(count, threads()) - 1;
        ensureHelpers(needed);
        failure = null;
        done.set(0);
        long g = generation + 1;
        claim.set(g << 32);
        job = new Job(g, body, count);
        generation = g; // wakes the helpers
        if (sleeping.get() > 0) {
            for (int i = 0; i < needed; i++) {
                Thread t = helpers.get(i);
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
        }
        drain(g, body, count);
        while (done.get() < count) {
            Thread.onSpinWait();
        }
        job = null;
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    private void drain(long g, IntConsumer body, int count) {
        while (true) {
            long c = claim.get();
            int i = (int) c;
            if (c >>> 32 != g || i >= count) {
                return;
            }
            if (!claim.compareAndSet(c, c + 1)) {
                continue;
            }
            try {
                body.accept(i);
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                }
            }
            done.incrementAndGet();
        }
    }

    /**
     * A helper's life: spin, then park, until a new generation is published; run its tasks if the call needs this
     * helper (slot below its {@link #participants} − 1); end after {@code idleNanos} parked without calls. Idle time
     * counts from the last call, needed or not: a helper that parked between the calls of a step would cost the next
     * call that needs it an unpark, a system call on the caller's path. A call that races with the end finds its
     * tasks done by the caller ({@link #drain} takes whatever no helper took), and the next call starts a new helper.
     */
    private void work(int slot) {
        // one behind: a helper started by a call takes part in that call (drain checks the claim's generation, so a
        // job already finished, or none, gives it nothing to do)
        long seen = generation - 1;
        while (true) {
            long idleSince = System.nanoTime();
            while (generation == seen) {
                long idle = System.nanoTime() - idleSince;
                if (idle < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else if (idle > idleNanos) {
                    helpers.compareAndSet(slot, Thread.currentThread(), null);
                    return;
                } else {
                    // counted before the last look at generation, so a caller that publishes after it unparks us
                    sleeping.incrementAndGet();
                    if (generation == seen) {
                        LockSupport.parkNanos(this, idleNanos);
                    }
                    sleeping.decrementAndGet();
                }
            }
            seen = generation;
            Job j = job;
            if (j != null && slot < participants(j.count(), threads()) - 1) {
                drain(j.generation(), j.body(), j.count());
            }
        }
    }
}
