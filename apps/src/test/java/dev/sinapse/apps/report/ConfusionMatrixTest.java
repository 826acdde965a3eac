package dev.sinapse.apps.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.apps.report.ConfusionMatrix;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
    /**
     * Pairs (true, predicted): (0,0) (0,0) (0,1) (1,1) (1,2) (2,2) (2,2) (2,0), so by hand
     * C = [[2,1,0],[0,1,1],[1,0,2]]: precision 2/3, 1/2, 2/3 (column sums 3, 2, 3), recall 2/3, 1/2, 2/3
     * (row sums 3, 2, 3), accuracy 5/8.
     */
    @Test
    void countsAndRatiosMatchAHandWorkedExample() {
        ConfusionMatrix cm = new ConfusionMatrix(3);
        int[][] pairs = {{0, 0}, {0, 0}, {0, 1}, {1, 1}, {1, 2}, {2, 2}, {2, 2}, {2, 0}};
        for (int[] p : pairs) {
            cm.add(p[0], p[1]);
        }
        assertThat(cm.count(0, 0)).isEqualTo(2);
        assertThat(cm.count(0, 1)).isEqualTo(1);
        assertThat(cm.count(2, 0)).isEqualTo(1);
        assertThat(cm.count(1, 0)).isZero();
        assertThat(cm.total()).isEqualTo(8);
        assertThat(cm.correct()).isEqualTo(5);
        assertThat(cm.accuracy()).isCloseTo(5 / 8.0, within(1e-12));
        assertThat(cm.precision(1)).isCloseTo(0.5, within(1e-12));
        assertThat(cm.recall(0)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(cm.f1(2)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(cm.macroPrecision()).isCloseTo((2 / 3.0 + 0.5 + 2 / 3.0) / 3, within(1e-12));
    }

    @Test
    void precisionOfANeverPredictedClassIsZeroAndAnAbsentClassStaysOutOfTheMacroAverage() {
        ConfusionMatrix cm = new ConfusionMatrix(4);
        cm.add(0, 0);
        cm.add(1, 0);   // class 1: in the labels, never predicted: precision 0/0 → 0, recall 0
        cm.add(2, 2);   // class 3: neither a label nor a prediction
        assertThat(cm.precision(1)).isZero();
        assertThat(cm.recall(1)).isZero();
        assertThat(cm.f1(1)).isZero();
        assertThat(cm.occurs(3)).isFalse();
        // precision 0: 1/2, 1: 0, 2: 1 → mean over the three classes that occur
        assertThat(cm.macroPrecision()).isCloseTo(0.5, within(1e-12));
        // recall 0: 1, 1: 0, 2: 1
        assertThat(cm.macroRecall()).isCloseTo(2 / 3.0, within(1e-12));
    }
}
