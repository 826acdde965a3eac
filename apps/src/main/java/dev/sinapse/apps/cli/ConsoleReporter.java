package dev.sinapse.apps.cli;

import dev.sinapse.apps.training.Metrics;
import dev.sinapse.apps.training.Trainer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress. On a terminal, one live line redrawn in place with {@code \r}: step (and epoch when an epoch
 * has several steps), the last training loss and accuracy, the last dev loss and accuracy, steps per second and the
 * time left; above it, a plain line kept for each evaluation, so the run's history stays on screen. Elsewhere (a
 * file, a pipe, CI logs), plain lines, one per point of the history (log points, evaluations, the last step), like
 * the tutorial's "Iteration: N" prints. Epochs read "epoch e/E" everywhere, e counted from 1
 * ({@link Trainer#epochOf}); without a dev set the dev fields are left out.
 */
public final class ConsoleReporter implements Trainer.Listener {
    /** Redraws between log points at most this often: a terminal need not be written 10,000 times a second. */
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean live;
    private final int width;
    private final LongSupplier clock;

    private long startNanos;
    private long startStep;
    private long lastDraw;
    private int drawnLength;
    private boolean lineOpen;
    private Metrics last;
    private Metrics lastEvaluated;

    /** Live when the JVM has a console (stdin and stdout are a terminal). */
    ConsoleReporter(PrintWriter out) {
        this(out, System.console() != null, System::nanoTime);
    }

    /** {@code live} forces either mode; {@code clock} gives nanoseconds (System::nanoTime outside tests). */
    ConsoleReporter(PrintWriter out, boolean live, LongSupplier clock) {
        this(out, live, clock, terminalWidth());
    }

    public ConsoleReporter(PrintWriter out, boolean live, LongSupplier clock, int width) {
        this.out = out;
        this.live = live;
        this.width = width;
        this.clock = clock;
    }

    @Override
    public void onStart(Trainer t) {
        startNanos = clock.getAsLong();
        startStep = t.step();
        lastDraw = startNanos - REDRAW_NANOS;
        last = t.history().isEmpty() ? null : t.history().get(t.history().size() - 1);
        lastEvaluated = t.history().stream().filter(Metrics::evaluated).reduce((a, b) -> b).orElse(null);
    }

    @Override
    public void onStep(Trainer t) {
        if (live) {
            long now = clock.getAsLong();
            if (now - lastDraw >= REDRAW_NANOS) {
                draw(t, now);
            }
        }
    }

    @Override
    public void onLog(Trainer t, Metrics m) {
        last = m;
        if (m.evaluated()) {
            lastEvaluated = m;
        }
        if (live) {
            if (m.evaluated()) {
                // kept: the live line is overwritten by this point, ended, and drawn again below it
                String line = plainLine(t, m);
                out.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())) + System.lineSeparator());
                drawnLength = 0;
                lineOpen = false;
            }
            draw(t, clock.getAsLong());
            return;
        }
        out.println(plainLine(t, m));
        out.flush();
    }

    /** "step  40/500  epoch 40/500  loss 1.2345  train_acc 0.6543  dev_loss 1.3456  dev_acc 0.6420  lr 0.1". */
    static String plainLine(Trainer t, Metrics m) {
        int w = Long.toString(t.totalSteps()).length();
        String dev = m.evaluated()
                ? String.format(Locale.ROOT, "  dev_loss %.4f  dev_acc %.4f", m.devLoss(), m.devAccuracy()) : "";
        return String.format(Locale.ROOT, "step %" + w + "d/%d  epoch %d/%d  loss %.4f  train_acc %.4f%s  lr %.4g",
                m.step(), t.totalSteps(), m.epoch(), t.totalEpochs(), m.loss(), m.trainAccuracy(), dev, m.learningRate());
    }

    @Override
    public void onEnd(Trainer t) {
        if (live) {
            draw(t, clock.getAsLong());
        }
        endLine();
    }

    /** Ends the live line, so that whatever is printed next (an error, "interrupted") starts on its own line. */
    void endLine() {
        if (lineOpen) {
            out.println();
            out.flush();
            lineOpen = false;
        }
    }

    private void draw(Trainer t, long now) {
        String line = liveLine(t, now);
        // spaces over what is left of a longer previous line
        String pad = " ".repeat(Math.max(0, drawnLength - line.length()));
        out.print("\r" + line + pad);
        out.flush();
        drawnLength = line.length();
        lineOpen = true;
        lastDraw = now;
    }

    /**
     * "epoch 3/20 step 300/2000 15% ETA 0:38  dev_loss 0.498 dev_acc 0.853  loss 0.512 acc 0.861  12 steps/s", with
     * whole fields dropped from the end to fit {@code width} − 1 columns: a line that wraps cannot be redrawn by
     * {@code \r}. Progress comes first, then the last evaluation, so an 80-column terminal keeps the dev numbers and
     * a narrower one loses the metrics, which the kept lines and metrics.csv hold anyway.
     */
    String liveLine(Trainer t, long now) {
        long step = t.step(), total = t.totalSteps();
        List<String> fields = new ArrayList<>();
        String progress = String.format(Locale.ROOT, "step %d/%d %d%%", step, total, total == 0 ? 100 : step * 100 / total);
        if (t.batchesPerEpoch() > 1) {
            progress = String.format(Locale.ROOT, "epoch %d/%d ", t.epochOf(step), t.totalEpochs()) + progress;
        }
        fields.add(progress);
        double seconds = (now - startNanos) / 1e9;
        long done = step - startStep;
        double rate = done > 0 && seconds > 0 ? done / seconds : 0;
        if (rate > 0) {
            fields.add(" ETA " + duration((total - step) / rate));
        }
        if (lastEvaluated != null) {
            fields.add(String.format(Locale.ROOT, "  dev_loss %.3f", lastEvaluated.devLoss()));
            fields.add(String.format(Locale.ROOT, " dev_acc %.3f", lastEvaluated.devAccuracy()));
        }
        if (last != null) {
            fields.add(String.format(Locale.ROOT, "  loss %.3f", last.loss()));
            fields.add(String.format(Locale.ROOT, " acc %.3f", last.trainAccuracy()));
        }
        if (rate > 0) {
            fields.add(String.format(Locale.ROOT, rate >= 10 ? "  %.0f steps/s" : "  %.1f steps/s", rate));
        }
        StringBuilder line = new StringBuilder();
        for (String f : fields) {
            if (line.length() + f.length() > width - 1) {
                break;
            }
            line.append(f);
        }
        return line.toString();
    }

    /** h:mm:ss, or m:ss under an hour. */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        long h = s / 3600, m = s / 60 % 60, sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    /** $COLUMNS when the shell exports it, else the classic 80. */
    private static int terminalWidth() {
        try {
            int c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80").trim());
            return c >= 20 ? c : 80;
        } catch (NumberFormatException e) {
            return 80;
        }
    }
}
