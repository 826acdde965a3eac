package dev.sinapse.testkit;

import dev.sinapse.api.Compute;
import dev.sinapse.api.Matrix;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The serial products, but {@link #forEach} on two threads that take tasks as they come (so which thread runs which
 * task, and in which order, varies from run to run): a layer or optimizer whose result depends on either fails its
 * 1-vs-2 test. For plug-ins too: pass it in a {@code Pass} and compare with {@code Compute.serial()}.
 */
public final class TwoThreads implements Compute {
    @Override
    public Matrix timesTransB(Matrix A, Matrix B) {
        return Compute.serial().timesTransB(A, B);
    }

    @Override
    public void transATimesInto(Matrix A, Matrix B, Matrix out) {
        Compute.serial().transATimesInto(A, B, out);
    }

    @Override
    public Matrix times(Matrix A, Matrix B) {
        return Compute.serial().times(A, B);
    }

    @Override
    public int threads() {
        return 2;
    }

    @Override
    public void forEach(int tasks, IntConsumer task) {
        AtomicInteger next = new AtomicInteger(tasks - 1);   // from the last task down: another order than serial's
        Runnable worker = () -> {
            for (int i = next.getAndDecrement(); i >= 0; i = next.getAndDecrement()) {
                task.accept(i);
            }
        };
        Thread other = new Thread(worker);
        other.start();
        worker.run();
        try {
            other.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
