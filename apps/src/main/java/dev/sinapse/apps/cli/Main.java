package dev.sinapse.apps.cli;

import dev.sinapse.api.SinapseException;
import dev.sinapse.kernels.VectorApi;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * {@code java -jar sinapse.jar <command>}. Exit codes: 0 success, 2 a user error (bad flag, file or config; one
 * line on stderr), 1 an internal failure (with its stack trace, since it is a bug to report).
 */
@Command(name = "sinapse", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A neural-network framework written from scratch in Java.",
        subcommands = {TrainCommand.class, BenchCommand.class, EvaluateCommand.class, PredictCommand.class, ShowCommand.class,
                PlotCommand.class, InspectCommand.class, SummaryCommand.class, LayersCommand.class, ExportCommand.class,
                ImportCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int USER_ERROR = 2;
    public static final int INTERNAL_ERROR = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // pictures are drawn off-screen; without this a desktop may show a window icon for a command-line tool
        System.setProperty("java.awt.headless", "true");
        Optional<Integer> child = VectorLauncher.relaunch(args, System.getenv(), System.err);
        if (child.isPresent()) {
            System.exit(child.get());
        }
        if (System.getProperty(VectorLauncher.CHILD) != null) {
            // started for the Vector API, which cannot run here after all (a CPU without 256-bit vectors)
            VectorApi.unavailable().ifPresent(why -> System.err.println("note: " + why + "; running the plain kernels"));
        }
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line with the given streams; returns the exit code. The entry point tests use. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.registerConverter(Path.class, Main::path);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof SinapseException) {
                err.println("error: " + e.getMessage());
                err.flush();
                return USER_ERROR;
            }
            err.println("internal error: " + e);
            e.printStackTrace(err);
            err.flush();
            return INTERNAL_ERROR;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + describe(ex));
            CommandLine where = ex.getCommandLine();
            // "help train" rather than "train --help": it works whether or not a subcommand declares --help
            err.println("(see: sinapse " + (where.getParent() == null ? "--help" : "help " + where.getCommandName()) + ")");
            err.flush();
            return USER_ERROR;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // a config or file asking for more than the heap holds: the user's remedy, not a bug to report
            err.println("error: " + outOfMemory(Runtime.getRuntime().maxMemory()));
            err.flush();
            return USER_ERROR;
        }
    }

    /** The out-of-memory line for a heap of {@code maxHeap} bytes: its remedy always asks for more than that. */
    static String outOfMemory(long maxHeap) {
        long twiceGiB = (2 * maxHeap + (1L << 30) - 1) >> 30;   // twice the heap, rounded up to whole GiB
        return "out of memory (the Java heap is limited to " + (maxHeap >> 20) + " MiB): the network, batch or data set is "
                + "too large; make it smaller or give Java more memory, e.g. java -Xmx" + Math.max(4, twiceGiB) + "g -jar sinapse.jar ...";
    }

    /**
     * A file or directory option's value. An empty one is refused: {@code Path.of("")} is the current directory, so
     * {@code --out ""} would fill it with a run's files and {@code --png ""} would be reported as a directory.
     */
    static Path path(String value) {
        if (value.isEmpty()) {
            throw new CommandLine.TypeConversionException("expected a file or directory name, found an empty string");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new CommandLine.TypeConversionException("not a valid path: " + e.getReason());
        }
    }

    /** picocli's message, with the commands listed for an unknown one and the closest name when there is one. */
    private static String describe(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return ex.getMessage();
        }
        List<String> close = u.getSuggestions();
        String hint = close.isEmpty() ? "" : " (did you mean '" + close.get(0) + "'?)";
        CommandLine cmd = ex.getCommandLine();
        if (!u.isUnknownOption() && cmd.getParent() == null) {
            return "unknown command '" + u.getUnmatched().get(0) + "'" + hint + "; commands: "
                    + String.join(", ", cmd.getSubcommands().keySet());
        }
        // only the first: picocli also lists the unknown option's value ("Unknown options: '--resum', 'x.ckpt'")
        return u.isUnknownOption() ? "Unknown option: '" + u.getUnmatched().get(0) + "'" + hint : ex.getMessage();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sinapse " + version()};
        }
    }

    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
