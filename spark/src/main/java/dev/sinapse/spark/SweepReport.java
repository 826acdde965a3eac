package dev.sinapse.spark;

import dev.sinapse.io.files.AtomicFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The sweep's outputs for people: trials.csv, sweep.png (the metric against each parameter) and the leaderboard. */
final class SweepReport {
    /** How many trials the leaderboard lists, and sweep.png marks as best. */
    static final int LEADERS = 10, MARKED = 3;
    static final int PANEL_WIDTH = 900, PANEL_HEIGHT = 320;
    private static final Color TRIAL = new Color(0x1f77b4);
    private static final Color BEST = new Color(0xd62728);

    private SweepReport() {
    }

    /** One row per trial, best first: id, parameter values, how far it went, its metrics (exact doubles), time. */
    static void csv(Path file, SweepPlan plan, List<SweepRunner.Row> rows) {
        List<String> header = new ArrayList<>(List.of("id"));
        header.addAll(plan.parameterPaths());
        header.addAll(List.of("epochs", "status", "dev_accuracy", "dev_loss", "train_accuracy", "train_loss", "steps",
                "seconds", "resumed_from", "kernel", "error"));
        StringBuilder out = new StringBuilder(String.join(",", header)).append('\n');
        for (SweepRunner.Row row : rows) {
            List<String> cells = new ArrayList<>(List.of(row.trial().id()));
            plan.parameterPaths().forEach(p -> cells.add(row.trial().values().getOrDefault(p, "")));
            TrialResult r = row.result();
            if (r == null) {
                cells.addAll(List.of("", row.status(), "", "", "", "", "", "", "", "", ""));
            } else {
                cells.addAll(List.of(Integer.toString(r.epochs()), row.status(), cell(r.devAccuracy()), cell(r.devLoss()),
                        cell(r.trainAccuracy()), cell(r.trainLoss()), Long.toString(r.steps()),
                        String.format(Locale.ROOT, "%.3f", r.seconds()), Long.toString(r.resumedFrom()), r.kernel(), r.error()));
            }
            out.append(cells.stream().map(SweepReport::quote).collect(Collectors.joining(","))).append('\n');
        }
        AtomicFiles.write(file, file.toString(), o -> {
            Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8);
            w.write(out.toString());
            w.flush();
        });
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static void leaderboard(PrintWriter console, SweepPlan plan, List<SweepRunner.Row> rows) {
        long done = rows.stream().filter(r -> r.result() != null && r.result().done()).count();
        console.printf(Locale.ROOT, "%nleaderboard (%s, %s; %d of %d trials finished):%n", plan.objective().metric(),
                plan.objective().maximize() ? "higher is better" : "lower is better", done, rows.size());
        console.printf(Locale.ROOT, "%4s  %-6s  %12s  %6s  %s%n", "rank", "trial", plan.objective().metric(), "epochs", "parameters");
        int rank = 0;
        for (SweepRunner.Row row : rows) {
            if (row.result() == null || !row.result().done() || rank == LEADERS) {
                continue;
            }
            rank++;
            console.printf(Locale.ROOT, "%4d  %-6s  %12.6f  %6d  %s%n", rank, row.trial().id(), row.result().metric(),
                    row.result().epochs(), row.trial().values().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(" ")));
        }
        rows.stream().filter(r -> r.result() != null && !r.result().done()).forEach(r ->
                console.printf(Locale.ROOT, "failed: trial %s: %s%n", r.trial().id(), r.result().error()));
        console.flush();
    }

    /**
     * One panel per parameter, the metric against its values: numbers on a linear or (when they span 100× or more,
     * all positive) log axis, anything else as categories. Every finished trial is a blue dot at its last rung; the
     * {@value #MARKED} best are red.
     */
    static void chart(Path png, SweepPlan plan, List<SweepRunner.Row> rows) {
        List<SweepRunner.Row> done = rows.stream().filter(r -> r.result() != null && r.result().done()).toList();
        List<String> params = plan.parameterPaths().isEmpty() ? List.of("trial") : plan.parameterPaths();
        BufferedImage img = new BufferedImage(PANEL_WIDTH, PANEL_HEIGHT * params.size(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        for (int i = 0; i < params.size(); i++) {
            JFreeChart c = panel(params.get(i), plan, done);
            c.draw(g, new java.awt.geom.Rectangle2D.Double(0, i * PANEL_HEIGHT, PANEL_WIDTH, PANEL_HEIGHT));
        }
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a PNG in memory", e);
        }
        AtomicFiles.write(png, png.toString(), out -> out.write(bytes.toByteArray()));
    }

    private static JFreeChart panel(String param, SweepPlan plan, List<SweepRunner.Row> done) {
        List<String> labels = new ArrayList<>();
        boolean numeric = true;
        for (SweepRunner.Row r : done) {
            String v = value(r, param);
            numeric &= isNumber(v);
            if (!labels.contains(v)) {
                labels.add(v);
            }
        }
        XYSeries trials = new XYSeries("trials"), best = new XYSeries("best " + MARKED);
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < done.size(); k++) {
            String v = value(done.get(k), param);
            double x = numeric ? Double.parseDouble(v) : labels.indexOf(v);
            min = Math.min(min, x);
            max = Math.max(max, x);
            (k < MARKED ? best : trials).add(x, done.get(k).result().metric());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(trials);
        data.addSeries(best);
        ValueAxis x = !numeric ? new SymbolAxis(param, labels.toArray(new String[0]))
                : min > 0 && max / min >= 100 ? new LogAxis(param) : new NumberAxis(param);
        if (x instanceof NumberAxis n) {
            n.setAutoRangeIncludesZero(false);
        }
        NumberAxis y = new NumberAxis(plan.objective().metric());
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
        dots.setSeriesPaint(0, TRIAL);
        dots.setSeriesPaint(1, BEST);
        dots.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
        dots.setSeriesShape(1, new Ellipse2D.Double(-6, -6, 12, 12));
        XYPlot plot = new XYPlot(data, x, y, dots);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        JFreeChart chart = new JFreeChart(plan.objective().metric() + " against " + param, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static String value(SweepRunner.Row r, String param) {
        return param.equals("trial") && r.trial().values().isEmpty() ? r.trial().id() : r.trial().values().getOrDefault(param, "");
    }

    private static boolean isNumber(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
