package dev.sinapse.apps;

import java.io.PrintWriter;
import java.util.Locale;

/** Plain log lines, one per logged step, like the tutorial's "Iteration: N" prints. */
final class ConsoleReporter implements Trainer.Listener {
    private final PrintWriter out;

    ConsoleReporter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void onLog(Trainer t, Metrics m) {
        int w = Long.toString(t.totalSteps()).length();
        out.printf(Locale.ROOT, "step %" + w + "d/%d  epoch %d  loss %.4f  train_acc %.4f  dev_loss %.4f  dev_acc %.4f  lr %.4g%n",
                m.step(), t.totalSteps(), m.epoch(), m.loss(), m.trainAccuracy(), m.devLoss(), m.devAccuracy(),
                m.learningRate());
        out.flush();
    }
}
