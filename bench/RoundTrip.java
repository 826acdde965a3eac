import java.util.concurrent.atomic.AtomicLong;

/**
 * The time a cache line takes to go from one core to another and back: two threads pass a counter a million times.
 * On a VM the two cores a run gets can be near (sharing a cache) or far, and which can change by the minute; two-thread
 * speeds follow it (docs/performance.md, round 8), so bench/compare.sh prints it before and after its runs. Run with
 * Java's source launcher: {@code java bench/RoundTrip.java}.
 */
public class RoundTrip {
    private static final AtomicLong TURN = new AtomicLong();

    public static void main(String[] args) throws InterruptedException {
        int n = 1_000_000;
        Thread other = new Thread(() -> {
            for (long i = 1; i <= n; i++) {
                while (TURN.get() != 2 * i - 1) {
                    Thread.onSpinWait();
                }
                TURN.set(2 * i);
            }
        });
        other.start();
        long start = System.nanoTime();
        for (long i = 1; i <= n; i++) {
            TURN.set(2 * i - 1);
            while (TURN.get() != 2 * i) {
                Thread.onSpinWait();
            }
        }
        long nanos = System.nanoTime() - start;
        other.join();
        System.out.printf("%.0f ns%n", nanos / (double) n);
    }
}
