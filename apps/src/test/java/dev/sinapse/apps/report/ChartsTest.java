package dev.sinapse.apps.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinapse.apps.training.Metrics;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;

/** curves.png: loss, accuracy and the learning rate against steps. */
class ChartsTest {
    private static List<Metrics> history(double... rates) {
        List<Metrics> h = new ArrayList<>();
        for (int i = 0; i < rates.length; i++) {
            boolean evaluated = i % 2 == 1;
            h.add(new Metrics(10L * (i + 1), i + 1, 2.0 / (i + 1), 0.1 * i, evaluated ? 2.1 / (i + 1) : Double.NaN,
                    evaluated ? 0.1 * i : Double.NaN, rates[i], i));
        }
        return h;
    }

    private static List<XYPlot> panels(JFreeChart chart) {
        return ((CombinedDomainXYPlot) chart.getPlot()).getSubplots();
    }

    @Test
    void aLearningRatePanelUnderLossAndAccuracyOnALogScale() {
        List<XYPlot> panels = panels(Charts.curvesChart(history(0.1, 0.01, 1e-3, 1e-101), "t"));
        assertThat(panels).extracting(p -> p.getRangeAxis().getLabel()).containsExactly("loss", "accuracy", "learning rate (log)");
        XYPlot rate = panels.get(2);
        // a collapse over decades: log10 of the rates, ticks labelled as rates
        assertThat(rate.getDataset().getItemCount(0)).isEqualTo(4);
        assertThat(rate.getDataset().getYValue(0, 0)).isCloseTo(-1, within(1e-12));
        assertThat(rate.getDataset().getYValue(0, 3)).isCloseTo(-101, within(1e-9));
        NumberAxis y = (NumberAxis) rate.getRangeAxis();
        assertThat(y.getNumberFormatOverride().format(-1.0)).isEqualTo("0.1");
        assertThat(y.getNumberFormatOverride().format(-101.0)).isEqualTo("1e-101");
        // the dev series has only the evaluated points
        assertThat(panels.get(1).getDataset().getItemCount(1)).isEqualTo(2);
    }

    @Test
    void aRateThatReachesZeroIsDrawnOnALinearAxis() {
        XYPlot rate = panels(Charts.curvesChart(history(0.1, 0.05, 0), "t")).get(2);
        assertThat(rate.getRangeAxis().getLabel()).isEqualTo("learning rate");
        assertThat(rate.getDataset().getItemCount(0)).isEqualTo(3);
        assertThat(rate.getDataset().getYValue(0, 1)).isEqualTo(0.05);
    }
}
