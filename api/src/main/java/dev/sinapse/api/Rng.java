package dev.sinapse.api;

/**
 * A seeded random generator whose whole state is one long, so checkpoints can save and restore it exactly.
 * SplitMix64 (Steele, Lea, Flood 2014): passes BigCrush, and is cheap enough for dropout masks.
 */
public final class Rng {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The position of this generator; {@code new Rng(s).restore(state())} continues the same sequence. */
    public long state() {
        return state;
    }

    public void restore(long state) {
        this.state = state;
    }

    public long nextLong() {
        return mix(state += GAMMA);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The float that the (i + 1)-th {@link #nextFloat} from position {@code state} gives (i from 0). SplitMix64's
     * draws depend on their index alone, so a long run of them (a dropout mask) can be drawn in slices on several
     * threads, then {@link #skip skipped}, with the bits of drawing them one by one.
     */
    public static float floatAt(long state, long i) {
        return bitsAt(state, i) * 0x1.0p-24f;
    }

    /**
     * The 24 random bits behind {@link #floatAt}, as an integer u: floatAt(state, i) is exactly u · 2⁻²⁴. A test
     * "draw &lt; p" is then "u &lt; ⌈p · 2²⁴⌉" on integers, which a loop can do without a branch or a conversion.
     */
    public static int bitsAt(long state, long i) {
        return (int) (mix(state + (i + 1) * GAMMA) >>> 40);
    }

    /** Moves past n draws, to where n calls of {@link #nextLong} (or nextFloat) would leave it. */
    public void skip(long n) {
        state += n * GAMMA;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, bound), unbiased (Lemire's multiply-and-reject). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        long r = nextLong() >>> 32;
        long m = r * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x100000000L - bound) % bound;
            while (low < threshold) {
                r = nextLong() >>> 32;
                m = r * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** Standard normal by Box–Muller; uses two draws and keeps no spare, so the state stays one long. */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble();
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** Fisher–Yates shuffle in place. Modified: a. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A generator for an independent stream, derived from this one's next draw. */
    public Rng split() {
        return new Rng(nextLong());
    }
}
