package dev.sinapse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RngTest {
    @Test
    void restoringTheStateContinuesTheSameSequence() {
        Rng a = new Rng(123);
        for (int i = 0; i < 17; i++) {
            a.nextLong();
        }
        Rng b = new Rng(0);
        b.restore(a.state());
        for (int i = 0; i < 100; i++) {
            assertThat(b.nextLong()).isEqualTo(a.nextLong());
        }
    }

    @Test
    void aDrawByItsIndexIsTheDrawInSequenceAndSkipLandsWhereTheDrawsWould() {
        Rng seq = new Rng(42);
        seq.nextLong();
        long start = seq.state();
        for (int i = 0; i < 1000; i++) {
            assertThat(Rng.floatAt(start, i)).isEqualTo(seq.nextFloat());
        }
        Rng skipped = new Rng(0);
        skipped.restore(start);
        skipped.skip(1000);
        assertThat(skipped.state()).isEqualTo(seq.state());
        assertThat(skipped.nextLong()).isEqualTo(seq.nextLong());
    }

    @Test
    void uniformDrawsHaveTheRightMeanAndRange() {
        Rng r = new Rng(1);
        double sum = 0;
        for (int i = 0; i < 100_000; i++) {
            double d = r.nextDouble();
            assertThat(d).isGreaterThanOrEqualTo(0).isLessThan(1);
            sum += d;
        }
        assertThat(sum / 100_000).isCloseTo(0.5, within(0.01));
    }

    @Test
    void nextIntCoversEveryValueEvenly() {
        Rng r = new Rng(2);
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++) {
            counts[r.nextInt(7)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(9_500, 10_500);
        }
    }

    @Test
    void gaussianHasUnitVariance() {
        Rng r = new Rng(3);
        double s = 0, s2 = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            s += g;
            s2 += g * g;
        }
        assertThat(s / n).isCloseTo(0, within(0.02));
        assertThat(s2 / n).isCloseTo(1, within(0.03));
    }

    @Test
    void shuffleIsAPermutation() {
        int[] a = new int[50];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        new Rng(4).shuffle(a);
        assertThat(a).containsExactlyInAnyOrder(java.util.stream.IntStream.range(0, 50).toArray());
        assertThat(a).isNotEqualTo(java.util.stream.IntStream.range(0, 50).toArray());
    }
}
