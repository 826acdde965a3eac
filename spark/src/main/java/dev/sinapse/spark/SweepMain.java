package dev.sinapse.spark;

import dev.sinapse.api.SinapseException;
import dev.sinapse.io.config.Experiments;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar sinapse-spark.jar sweep --config SWEEP --out DIR [--master M]}, or the same class through
 * {@code spark-submit}. Exit codes as sinapse's: 0 every trial finished, 2 a user error (one line on stderr), 1 an
 * internal failure, 3 some trials failed (rerun the same command to retry them).
 */
@Command(name = "sinapse-spark", mixinStandardHelpOptions = true, version = "sinapse-spark 0.1.0-SNAPSHOT",
        description = "Hyper-parameter sweeps of Sinapse experiments on Apache Spark.",
        subcommands = {SweepMain.SweepCommand.class, CommandLine.HelpCommand.class})
public final class SweepMain implements Runnable {
    public static final int USER_ERROR = 2;
    public static final int TRIALS_FAILED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        // what Spark's launcher passes on Java 17 besides the Add-Opens of this jar's manifest
        System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new SweepMain());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof SinapseException) {
                err.println("error: " + e.getMessage());
                err.flush();
                return USER_ERROR;
            }
            err.println("internal error: " + e);
            e.printStackTrace(err);
            err.flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + ex.getMessage());
            err.println("(see: sinapse-spark help sweep)");
            err.flush();
            return USER_ERROR;
        });
        return cl.execute(args);
    }

    @Command(name = "sweep", description = "Run a sweep: every trial trains one experiment as a Spark task into DIR/trials/<id>/;"
            + " DIR/trials.csv and DIR/sweep.png sum them up. Rerunning the same command continues an interrupted sweep.")
    static final class SweepCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "SWEEP", description = "Sweep config (.textproto or .json); see docs/sweeps.md.")
        Path config;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Sweep directory; on a cluster, a path every executor can write at the same name (a shared filesystem).")
        Path out;

        @Option(names = "--master", paramLabel = "M", description = "Spark master: local[N] (default: spark.master when run by spark-submit, else local[*]), spark://host:7077, yarn, k8s://...")
        String master;

        @Option(names = "--max-failures", paramLabel = "F", description = "Attempts of a trial's task before it counts as failed (spark.task.maxFailures; in local mode, local[N,F]). Default ${DEFAULT-VALUE}.")
        int maxFailures = 4;

        @Override
        public Integer call() {
            if (maxFailures < 1) {
                throw new SinapseException("--max-failures " + maxFailures + ": expected 1 or more");
            }
            if (!Files.isRegularFile(config)) {
                throw new SinapseException(config + ": file not found");
            }
            SweepPlan plan = SweepPlan.of(SweepPlan.read(config), config);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("sweep %s: %d trials%s into %s%n", plan.sweep().getName().isEmpty() ? config.getFileName() : "'" + plan.sweep().getName() + "'",
                    plan.trials().size(), plan.rungs().isEmpty() ? "" : ", successive halving over " + plan.rungs() + " epochs",
                    this.out.toAbsolutePath().normalize());
            out.flush();
            SparkConf conf = conf(master, maxFailures, Math.max(1, plan.sweep().getThreadsPerTrial()), "sinapse sweep " + config.getFileName());
            if (conf.get("spark.master").startsWith("local")) {
                prefetch(plan);
            }
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                List<SweepRunner.Row> rows = SweepRunner.run(plan, this.out, sc, out);
                return rows.stream().allMatch(r -> r.result() == null || r.result().done()) ? 0 : TRIALS_FAILED;
            }
        }
    }

    /**
     * In local mode the executors are this JVM: the injector and the first trial's data, which every trial shares
     * (TrialTask.Shared), are read on a background thread while Spark starts (seconds each), instead of by the first
     * task while the others wait. A trial that needs them first waits for the same read; a failure here is left for
     * that trial to report.
     */
    static void prefetch(SweepPlan plan) {
        if (plan.trials().isEmpty()) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                TrialTask.Shared.injector();
                TrialTask.Shared.data(Experiments.resolve(plan.base(), plan.trials().get(0).sets(), plan.baseDir(), plan.baseSource()));
            } catch (RuntimeException reportedByTheTrial) {
                // the first trial reads it again and fails with the config's own message
            }
        }, "sinapse-prefetch");
        t.setDaemon(true);
        t.start();
    }

    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)]");

    /**
     * The Spark configuration of a sweep: the master (local[N] gains the retry count, which local mode reads only from
     * the master string), a core per trial thread, quiet progress (the sweep prints its own).
     */
    public static SparkConf conf(String master, int maxFailures, int threadsPerTrial, String appName) {
        SparkConf conf = new SparkConf().setAppName(appName);
        String m = master != null ? master : conf.get("spark.master", "local[*]");
        if (m.equals("local")) {
            m = "local[1]";
        }
        Matcher local = LOCAL.matcher(m);
        if (local.matches()) {
            m = "local[" + local.group(1) + "," + maxFailures + "]";
        }
        conf.setMaster(m);
        conf.set("spark.task.maxFailures", Integer.toString(maxFailures));
        conf.set("spark.task.cpus", Integer.toString(threadsPerTrial));
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        if (m.startsWith("local")) {
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return conf;
    }
}
