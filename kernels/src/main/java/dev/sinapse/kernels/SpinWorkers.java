package dev.sinapse.kernels;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
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
    /** Tasks of one round of claims: a block's front and back are 20 bits each. */
    static final int MAX_TASKS = (1 << 20) - 1;
    /** The generation's low 24 bits tag a block's claims. */
    private static final long TAG = (1L << 24) - 1;
    /** A helper idle this long ends; the next call starts a new one. */
    static final long IDLE_NANOS = 5_000_000_000L;

    private final AtomicReferenceArray<Thread> helpers;
    private final long idleNanos;
    /**
     * Per participant (0 the caller, 1.. the helpers), its block of tasks as tag << 40 | front << 20 | back: the owner
     * takes tasks from the front, a participant done with its own block takes them from the back. The tag is the
     * call's generation, so a helper that wakes late cannot take a task of the next call.
     */
    private final AtomicLongArray blocks;
    private final AtomicInteger done = new AtomicInteger();
    private volatile long generation;
    /**
     * The call's generation and body, published as one value: a helper that read them as two fields could pair a
     * late generation with the next call's body, and take a task of the next call under the old generation before
     * its blocks are reset (the task then ran twice).
     */
    private record Job(long generation, IntConsumer body) {
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
        this.blocks = new AtomicLongArray(threads);
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

    /** Starts the helpers that ended while idle, or were never started. */
    private void ensureHelpers() {
        for (int i = 0; i < helpers.length(); i++) {
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
        // a block's ends are 20 bits: a larger call runs as consecutive calls of at most MAX_TASKS tasks
        for (int from = 0; from < count; from += MAX_TASKS) {
            int base = from, n = Math.min(MAX_TASKS, count - from);
            runBlocks(n, base == 0 ? body : i -> body.accept(base + i));
        }
    }

    private void runBlocks(int count, IntConsumer body) {
        ensureHelpers();
        failure = null;
        done.set(0);
        long g = generation + 1;
        int parts = blocks.length();
        for (int p = 0; p < parts; p++) {
            long front = (long) count * p / parts, back = (long) count * (p + 1) / parts;
            blocks.set(p, (g & TAG) << 40 | front << 20 | back);
        }
        job = new Job(g, body);
        generation = g; // wakes the helpers
        if (sleeping.get() > 0) {
            for (int i = 0; i < helpers.length(); i++) {
                Thread t = helpers.get(i);
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
        }
        drain(0, g, body);
        while (done.get() < count) {
            Thread.onSpinWait();
        }
        job = null;
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    /**
     * Participant {@code self}'s share of call g: its own block from the front, then what is left of the others' from
     * their backs. Each participant gets the same block at every call of the same size, so the rows or units a task
     * covers stay in one core's caches from call to call (a layer's forward, its gradient, the optimizer's update).
     */
    private void drain(int self, long g, IntConsumer body) {
        int parts = blocks.length();
        for (int d = 0; d < parts; d++) {
            int p = (self + d) % parts;
            boolean own = d == 0;
            while (true) {
                long c = blocks.get(p);
                int front = (int) (c >>> 20 & MAX_TASKS), back = (int) (c & MAX_TASKS);
                if ((c >>> 40) != (g & TAG) || front >= back) {
                    break;
                }
                if (!blocks.compareAndSet(p, c, own ? c + (1L << 20) : c - 1)) {
                    continue;
                }
                int i = own ? front : back - 1;
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
    }

    /**
     * A helper's life: spin, then park, until a new generation is published; run its tasks; end after
     * {@code idleNanos} parked without work. A call that races with the end finds its tasks done by the caller
     * ({@link #drain} takes whatever no helper took), and the next call starts a new helper.
     */
    private void work(int slot) {
        // one behind: a helper started by a call takes part in that call (drain checks the blocks' generation tag, so a
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
            if (j != null) {
                drain(slot + 1, j.generation(), j.body());
            }
        }
    }
}
