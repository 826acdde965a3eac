package dev.sinapse.apps;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of daemon threads that run {@code task.accept(i)} for i in [0, tasks) with the caller, for work
 * units of a few microseconds (a mini-batch of 32 rows split in two): an executor's hand-off (queue, park,
 * unpark, future) costs about as much as the work. Idle workers spin for {@value #SPIN_NANOS} ns, long enough
 * to cover an optimizer step between two batches, and then park until the next call.
 *
 * <p>As with {@link dev.sinapse.api.ParallelCompute#forEach}, tasks must not depend on which thread runs them,
 * so the result is the same for any thread count.
 */
final class SpinWorkers {
    private static final long SPIN_NANOS = 200_000;

    private final Thread[] helpers;
    // generation << 32 | next task: a helper that wakes late cannot take a task of the next call
    private final AtomicLong claim = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile long generation;
    private volatile IntConsumer task;
    private volatile int tasks;
    private volatile RuntimeException failure;
    /** How many helpers are parked or about to park; while all spin, a call needs no unpark (a system call). */
    private final AtomicInteger sleeping = new AtomicInteger();

    SpinWorkers(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        helpers = new Thread[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Thread(this::work, "sinapse-kernel-" + (i + 1));
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    int threads() {
        return helpers.length + 1;
    }

    /** Runs every task once, on the caller and the helpers; rethrows the first task's exception. Not reentrant. */
    void forEach(int count, IntConsumer body) {
        if (helpers.length == 0 || count <= 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        failure = null;
        task = body;
        tasks = count;
        done.set(0);
        long g = generation + 1;
        claim.set(g << 32);
        generation = g; // publishes the fields above
        if (sleeping.get() > 0) {
            for (Thread t : helpers) {
                LockSupport.unpark(t);
            }
        }
        drain(g, body, count);
        while (done.get() < count) {
            Thread.onSpinWait();
        }
        task = null;
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

    private void work() {
        long seen = 0;
        while (true) {
            long idleSince = System.nanoTime();
            while (generation == seen) {
                if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    // counted before the last look at generation, so a caller that publishes after it unparks us
                    sleeping.incrementAndGet();
                    if (generation == seen) {
                        LockSupport.park(this);
                    }
                    sleeping.decrementAndGet();
                }
            }
            seen = generation;
            IntConsumer body = task;
            int count = tasks;
            if (body != null) {
                drain(seen, body, count);
            }
        }
    }
}
