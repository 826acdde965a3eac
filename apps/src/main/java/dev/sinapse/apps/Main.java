package dev.sinapse.apps;

import dev.sinapse.api.SinapseException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar sinapse.jar <command>}. Exit codes: 0 success, 2 a user error (bad flag, file or config; one
 * line on stderr), 1 an internal failure (with its stack trace, since it is a bug to report).
 */
@Command(name = "sinapse", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A neural-network framework written from scratch in Java.",
        subcommands = {TrainCommand.class, InspectCommand.class, LayersCommand.class, CommandLine.HelpCommand.class})
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
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line with the given streams; returns the exit code. The entry point tests use. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
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
            return INTERNAL_ERROR;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + ex.getMessage());
            err.println("(see: sinapse " + ex.getCommandLine().getCommandName().replace("sinapse", "").trim()
                    + " --help)");
            err.flush();
            return USER_ERROR;
        });
        return cl.execute(args);
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
