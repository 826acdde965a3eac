package dev.sinapse.apps.report;

import dev.sinapse.api.Loss;
import dev.sinapse.apps.training.Metrics;
import dev.sinapse.io.files.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import dev.sinapse.api.Matrix;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The PNG pictures: training curves (JFreeChart: axes, ticks and legend come with it), and the confusion heat map
 * and the enlarged digit (plain Java2D: a grid of cells and a grid of pixels need no chart library).
 */
public final class Charts {
    public static final int CURVES_WIDTH = 900, CURVES_HEIGHT = 760;
    public static final int CELL = 52;
    public static final int CM_LEFT = 74, CM_TOP = 104, CM_RIGHT = 24, CM_BOTTOM = 48;
    public static final int DIGIT_SCALE = 10, DIGIT_PAD = 20;
    private static final int BARS_GAP = 78, BARS_HEIGHT = 60, BARS_FOOT = 40;

    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color DEV = new Color(0xff7f0e);
    private static final Color GRID = new Color(0xdddddd);
    private static final Color INK = new Color(0x222222);
    private static final Color MUTED = new Color(0x888888);
    private static final Color RIGHT = new Color(0x2ca02c);
    private static final Color WRONG = new Color(0xd62728);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private Charts() {
    }

    /**
     * Loss (top), accuracy (middle), train and dev, and the learning rate (bottom, on a log scale when every rate is
     * positive, so a rate that collapses shows as a cliff), sharing the step axis.
     */
    public static void curves(List<Metrics> history, String title, Path png) {
        JFreeChart chart = curvesChart(history, title);
        // the image ChartUtils.writeChartAsPNG draws, encoded as the other pictures are
        writeImage(chart.createBufferedImage(CURVES_WIDTH, CURVES_HEIGHT, BufferedImage.TYPE_INT_ARGB, null), png);
    }

    /** The chart {@link #curves} draws. */
    static JFreeChart curvesChart(List<Metrics> history, String title) {
        XYSeries trainLoss = new XYSeries("train"), devLoss = new XYSeries("dev");
        XYSeries trainAcc = new XYSeries("train"), devAcc = new XYSeries("dev");
        XYSeries rate = new XYSeries("learning rate");
        boolean positive = history.stream().allMatch(m -> m.learningRate() > 0 && Double.isFinite(m.learningRate()));
        Metrics best = null;
        for (Metrics m : history) {
            if (Double.isFinite(m.learningRate())) {
                rate.add(m.step(), positive ? Math.log10(m.learningRate()) : m.learningRate());
            }
            trainLoss.add(m.step(), m.loss());
            trainAcc.add(m.step(), m.trainAccuracy());
            if (Double.isFinite(m.devAccuracy())) {
                devLoss.add(m.step(), m.devLoss());
                devAcc.add(m.step(), m.devAccuracy());
                if (best == null || m.devAccuracy() > best.devAccuracy()) {
                    best = m;
                }
            }
        }
        // with few points a line alone hides where they are
        boolean dots = history.size() <= 30;
        NumberAxis steps = new NumberAxis("step");
        steps.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        steps.setAutoRangeIncludesZero(false);
        steps.setLabelFont(LABEL);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(steps);
        plot.setGap(14);
        XYPlot loss = panel("loss", dots, trainLoss, devLoss);
        XYPlot acc = panel("accuracy", dots, trainAcc, devAcc);
        // one legend entry per colour: the accuracy panel repeats the loss panel's train and dev
        acc.getRenderer().setDefaultSeriesVisibleInLegend(false);
        if (best != null) {
            ValueMarker mark = new ValueMarker(best.step(), MUTED, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
            mark.setLabel(String.format(Locale.ROOT, "best dev %.4f at step %d", best.devAccuracy(), best.step()));
            mark.setLabelFont(SMALL);
            mark.setLabelPaint(INK);
            boolean right = best.step() < (history.get(0).step() + history.get(history.size() - 1).step()) / 2;
            mark.setLabelAnchor(right ? RectangleAnchor.BOTTOM_RIGHT : RectangleAnchor.BOTTOM_LEFT);
            mark.setLabelTextAnchor(right ? TextAnchor.BOTTOM_LEFT : TextAnchor.BOTTOM_RIGHT);
            mark.setLabelOffset(new RectangleInsets(6, 6, 6, 6));
            mark.setLabelBackgroundColor(new Color(255, 255, 255, 0));
            acc.addDomainMarker(mark);
        }
        plot.add(loss, 2);
        plot.add(acc, 2);
        plot.add(ratePanel(rate, dots, positive), 1);
        JFreeChart chart = new JFreeChart(null, TITLE, plot, true);
        chart.setTitle(new TextTitle(title, TITLE));
        chart.setBackgroundPaint(Color.WHITE);
        chart.getLegend().setItemFont(LABEL);
        chart.getLegend().setFrame(BlockBorder.NONE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 16));
        return chart;
    }

    /**
     * The learning rate of each point's step; its own colour, out of the legend (the axis names it). On a log scale
     * when every rate is positive: the series holds log10 of the rates, ticks at whole decades labelled as rates
     * (JFreeChart's LogAxis drew an empty panel for rates of 1e-46 and below: the very collapse this panel is for).
     */
    private static XYPlot ratePanel(XYSeries rate, boolean dots, boolean logScale) {
        NumberAxis y = new NumberAxis(logScale ? "learning rate (log)" : "learning rate");
        if (logScale) {
            y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            y.setAutoRangeMinimumSize(1);
            y.setAutoRangeIncludesZero(false);
            y.setNumberFormatOverride(new DecadeFormat());
        } else {
            y.setAutoRangeIncludesZero(true);
        }
        y.setLabelFont(LABEL);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, dots);
        r.setSeriesPaint(0, MUTED);
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesShape(0, new Ellipse2D.Double(-3, -3, 6, 6));
        r.setDefaultSeriesVisibleInLegend(false);
        XYPlot p = new XYPlot(new XYSeriesCollection(rate), null, y, r);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(GRID);
        p.setRangeGridlinePaint(GRID);
        p.setOutlinePaint(GRID);
        return p;
    }

    /** A tick at log10(rate) = d, labelled as the rate: 0.1, 0.001, 1e-46. */
    private static final class DecadeFormat extends NumberFormat {
        @Override
        public StringBuffer format(double decade, StringBuffer to, FieldPosition at) {
            long d = Math.round(decade);
            if (d != decade || Math.abs(d) > 4) {
                return to.append(d == decade ? "1e" + d : String.format(Locale.ROOT, "%.3g", Math.pow(10, decade)));
            }
            return to.append(BigDecimal.ONE.scaleByPowerOfTen((int) d).toPlainString());
        }

        @Override
        public StringBuffer format(long decade, StringBuffer to, FieldPosition at) {
            return format((double) decade, to, at);
        }

        @Override
        public Number parse(String source, ParsePosition at) {
            throw new UnsupportedOperationException("tick labels are only written");
        }
    }

    private static XYPlot panel(String axis, boolean dots, XYSeries train, XYSeries dev) {
        XYSeriesCollection data = new XYSeriesCollection(train);
        if (!dev.isEmpty()) {
            data.addSeries(dev);
        }
        NumberAxis y = new NumberAxis(axis);
        y.setAutoRangeIncludesZero(false);
        y.setLabelFont(LABEL);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, dots);
        r.setSeriesPaint(0, TRAIN);
        r.setSeriesPaint(1, DEV);
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesStroke(1, new BasicStroke(2f));
        for (int i = 0; i < 2; i++) {
            r.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
        }
        XYPlot p = new XYPlot(data, null, y, r);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(GRID);
        p.setRangeGridlinePaint(GRID);
        p.setOutlinePaint(GRID);
        return p;
    }

    /**
     * A CELL-pixel square per (true, predicted) pair with its count. The colour is the count as a share of its
     * row (the recall of that pair), so a rare class shows its mistakes as plainly as a common one.
     */
    public static void confusion(ConfusionMatrix cm, String subtitle, Path png) {
        int K = cm.classes();
        int left = CM_LEFT, top = CM_TOP, right = CM_RIGHT, bottom = CM_BOTTOM;
        int W = left + K * CELL + right, H = top + K * CELL + bottom;
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setFont(TITLE);
        g.setColor(INK);
        centered(g, "Confusion matrix", W / 2, 26);
        g.setColor(MUTED);
        fitted(g, subtitle, SMALL, W - 16);
        centered(g, subtitle, W / 2, 46);
        g.setColor(INK);
        g.setFont(LABEL);
        centered(g, "predicted", left + K * CELL / 2, 76);
        for (int k = 0; k < K; k++) {
            centered(g, Integer.toString(k), left + k * CELL + CELL / 2, top - 10);
            FontMetrics fm = g.getFontMetrics();
            String s = Integer.toString(k);
            g.drawString(s, left - 12 - fm.stringWidth(s), top + k * CELL + CELL / 2 + fm.getAscent() / 2 - 2);
        }
        Graphics2D v = (Graphics2D) g.create();
        v.rotate(-Math.PI / 2);
        centered(v, "true label", -(top + K * CELL / 2), 30);
        v.dispose();
        for (int t = 0; t < K; t++) {
            long support = cm.support(t);
            for (int p = 0; p < K; p++) {
                long n = cm.count(t, p);
                double share = support == 0 ? 0 : n / (double) support;
                Color fill = blues(share);
                int x = left + p * CELL, y = top + t * CELL;
                g.setColor(fill);
                g.fillRect(x, y, CELL, CELL);
                g.setColor(n == 0 ? new Color(0xbbbbbb) : share > 0.3 ? Color.WHITE : INK);
                g.setFont(t == p ? LABEL.deriveFont(Font.BOLD) : LABEL);
                centered(g, Long.toString(n), x + CELL / 2, y + CELL / 2 + 5);
            }
        }
        g.setColor(GRID);
        for (int k = 0; k <= K; k++) {
            g.drawLine(left, top + k * CELL, left + K * CELL, top + k * CELL);
            g.drawLine(left + k * CELL, top, left + k * CELL, top + K * CELL);
        }
        g.setColor(INK);
        g.setFont(LABEL);
        centered(g, String.format(Locale.ROOT, "accuracy %.4f (%d of %d)   ·   colour: share of the true label's rows",
                cm.accuracy(), cm.correct(), cm.total()), W / 2, H - 18);
        g.dispose();
        writeImage(img, png);
    }

    /**
     * The digit enlarged DIGIT_SCALE times (dark ink on white), the prediction and the label under it, and a bar
     * per class for its probability.
     */
    public static void digit(int[] pixels, int side, int predicted, int label, float[] probabilities, String caption, Path png) {
        int pad = DIGIT_PAD, size = side * DIGIT_SCALE;
        int K = probabilities.length;
        int barsTop = pad + size + BARS_GAP, barsHeight = BARS_HEIGHT;
        int W = Math.max(size, K * 24) + 2 * pad, H = digitHeight(side);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        int x0 = (W - size) / 2;
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                int v = 255 - pixels[r * side + c];
                g.setColor(new Color(v, v, v));
                g.fillRect(x0 + c * DIGIT_SCALE, pad + r * DIGIT_SCALE, DIGIT_SCALE, DIGIT_SCALE);
            }
        }
        g.setColor(GRID);
        g.drawRect(x0 - 1, pad - 1, size + 1, size + 1);

        boolean labelled = label >= 0;
        g.setFont(TITLE.deriveFont(20f));
        g.setColor(!labelled ? INK : predicted == label ? RIGHT : WRONG);
        String verdict = "prediction " + predicted + (labelled ? "   label " + label : "   (no label)");
        centered(g, verdict, W / 2, pad + size + 32);
        g.setFont(SMALL);
        g.setColor(MUTED);
        centered(g, caption, W / 2, pad + size + 54);

        int slot = (W - 2 * pad) / K, bar = slot - 8;
        for (int k = 0; k < K; k++) {
            int x = pad + k * slot + (slot - bar) / 2;
            int h = Math.round(probabilities[k] * barsHeight);
            g.setColor(new Color(0xeeeeee));
            g.fillRect(x, barsTop, bar, barsHeight);
            g.setColor(k == predicted ? (!labelled || predicted == label ? RIGHT : WRONG) : k == label ? DEV : TRAIN);
            g.fillRect(x, barsTop + barsHeight - h, bar, h);
            g.setColor(INK);
            g.setFont(k == predicted ? LABEL.deriveFont(Font.BOLD) : LABEL);
            centered(g, Integer.toString(k), x + bar / 2, barsTop + barsHeight + 18);
        }
        g.setFont(SMALL);
        g.setColor(MUTED);
        boolean wrong = labelled && predicted != label;
        centered(g, "probability of each class" + (wrong ? "  ·  orange: the label" : ""), W / 2, barsTop + barsHeight + 34);
        g.dispose();
        writeImage(img, png);
    }

    /**
     * White to dark blue (the end points of matplotlib's "Blues"); the share is raised to 0.6 so that a few
     * mistakes in a cell already tint it.
     */
    private static Color blues(double share) {
        double s = Math.pow(Math.max(0, Math.min(1, share)), 0.6);
        int r = (int) Math.round(247 + (8 - 247) * s);
        int g = (int) Math.round(251 + (48 - 251) * s);
        int b = (int) Math.round(255 + (107 - 255) * s);
        return new Color(r, g, b);
    }

    /** The height of {@link #digit}'s picture: the digit, the verdict, the bars. */
    public static int digitHeight(int side) {
        return DIGIT_PAD + side * DIGIT_SCALE + BARS_GAP + BARS_HEIGHT + BARS_FOOT;
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    /** Sets {@code font}, made smaller (down to 8 points) until {@code s} fits {@code width} pixels. */
    private static void fitted(Graphics2D g, String s, Font font, int width) {
        Font f = font;
        g.setFont(f);
        while (g.getFontMetrics().stringWidth(s) > width && f.getSize2D() > 8) {
            f = f.deriveFont(f.getSize2D() - 0.5f);
            g.setFont(f);
        }
    }

    /**
     * A convolution's filters as a grid of small images: a row per filter, a column per input channel, each K × K
     * window enlarged, white for the filter's most negative weight and black for its most positive (each filter on its
     * own scale, so weak filters show their pattern too).
     */
    public static void filters(Matrix W, int channels, int k, String caption, Path png) {
        int F = W.rows(), scale = Math.max(4, 96 / k), cell = k * scale, gap = 6, pad = 24;
        int gridW = channels * (cell + gap) - gap, gridH = F * (cell + gap) - gap;
        int Wd = Math.max(gridW + 2 * pad + 40, 320), H = gridH + 2 * pad + 40;
        BufferedImage img = new BufferedImage(Wd, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        int x0 = (Wd - gridW) / 2 + 20, y0 = pad;
        g.setFont(SMALL);
        for (int f = 0; f < F; f++) {
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < W.cols(); j++) {
                lo = Math.min(lo, W.get(f, j));
                hi = Math.max(hi, W.get(f, j));
            }
            float range = hi > lo ? hi - lo : 1f;
            int y = y0 + f * (cell + gap);
            g.setColor(MUTED);
            g.drawString(Integer.toString(f), x0 - 24, y + cell / 2 + 4);
            for (int c = 0; c < channels; c++) {
                int x = x0 + c * (cell + gap);
                for (int r = 0; r < k; r++) {
                    for (int q = 0; q < k; q++) {
                        int v = 255 - Math.round(255 * (W.get(f, (c * k + r) * k + q) - lo) / range);
                        g.setColor(new Color(v, v, v));
                        g.fillRect(x + q * scale, y + r * scale, scale, scale);
                    }
                }
                g.setColor(GRID);
                g.drawRect(x - 1, y - 1, cell + 1, cell + 1);
            }
        }
        g.setColor(MUTED);
        centered(g, caption, Wd / 2, H - 16);
        g.dispose();
        writeImage(img, png);
    }

    private static void centered(Graphics2D g, String s, int cx, int baseline) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
    }

    /**
     * Encodes the PNG in memory, then writes its bytes. ImageIO writing to a stream would buffer through a cache file
     * of its own in java.io.tmpdir, and on a full disk leave a closer thread that prints a stack trace at exit, after
     * the error line; a picture is small enough to hold.
     */
    private static void writeImage(BufferedImage img, Path png) {
        byte[] bytes = encodePng(img);
        AtomicFiles.write(png, png.toString(), out -> out.write(bytes));
    }

    static byte[] encodePng(BufferedImage img) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("this Java has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a PNG in memory", e);
        }
        return bytes.toByteArray();
    }
}
