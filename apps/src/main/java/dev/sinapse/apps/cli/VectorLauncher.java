package dev.sinapse.apps.cli;

import dev.sinapse.kernels.VectorApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes a plain {@code java -jar sinapse.jar train|bench …} run the Vector API kernels. Java resolves an incubating
 * module only when the command line asks for it ({@code --add-modules}), and neither a jar's manifest nor the
 * running JVM can add it later; so the command runs again in a child JVM that has the module, with the same JVM
 * options, class path and arguments. Chosen over a launcher script because {@code java -jar} is what users type
 * and what the README says, on every OS.
 *
 * <p>The child shares this process's stdin, stdout (a terminal stays a terminal, so the live progress line still
 * works) and exit code. Its stderr passes through here to drop the one line Java prints for an incubating module.
 * A Ctrl-C reaches both processes (they share the terminal's process group): this one waits for the child to save
 * and exits with its code, 130. A SIGTERM sent to this process alone is passed on, and the child saves too (143).
 *
 * <p>{@value #ENV}{@code =off} (or {@code -Dsinapse.vector=off}) keeps the plain kernels in this process; {@code on} (the default) relaunches when this
 * Java has the module. Only train and bench run kernels worth a second JVM start (about a third of a second).
 */
final class VectorLauncher {
    static final String ENV = "SINAPSE_VECTOR";
    /** The same as {@value #ENV}, as a Java option ({@code java -Dsinapse.vector=off -jar …}); it wins over the variable. */
    static final String PROPERTY = "sinapse.vector";
    /** Set in the child, so it never relaunches again. */
    static final String CHILD = "sinapse.vector.child";
    static final String WARNING = "WARNING: Using incubator modules: " + VectorApi.MODULE;
    private static final Set<String> COMMANDS = Set.of("train", "bench");

    private VectorLauncher() {
    }

    /** The child's exit code when the command ran in a child JVM with the module; empty to run it here. */
    static Optional<Integer> relaunch(String[] args, Map<String, String> env, PrintStream err) {
        if (args.length == 0 || !COMMANDS.contains(args[0]) || VectorApi.resolved() || System.getProperty(CHILD) != null) {
            return Optional.empty();
        }
        String mode = System.getProperty(PROPERTY, env.getOrDefault(ENV, "on"));
        if (mode.equals("off")) {
            return Optional.empty();
        }
        if (!mode.equals("on")) {
            err.println("error: " + (System.getProperty(PROPERTY) != null ? "-D" + PROPERTY : ENV) + "=" + mode
                    + ": expected on or off");
            return Optional.of(Main.USER_ERROR);
        }
        if (!VectorApi.inRuntime()) {
            err.println("note: " + VectorApi.unavailable().orElse("") + "; running the plain kernels");
            return Optional.empty();
        }
        Optional<String> java = ProcessHandle.current().info().command();
        if (java.isEmpty()) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java.get());
        cmd.addAll(List.of("--add-modules", VectorApi.MODULE, "-D" + CHILD + "=true"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process child;
        try {
            child = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            err.println("note: cannot start Java with " + VectorApi.MODULE + " (" + e.getMessage() + "); running the plain kernels");
            return Optional.empty();
        }
        Thread pump = new Thread(() -> copyStderr(child.getErrorStream(), err), "sinapse-child-stderr");
        pump.start();
        Thread hook = null;
        if (!forwardSignals(child)) {
            // no signal handlers on this JVM: on a signal, ask the child to save (SIGTERM) and exit with its code
            Thread h = new Thread(() -> {
                child.destroy();
                Runtime.getRuntime().halt(finish(child, pump, err));
            }, "sinapse-child-wait");
            Runtime.getRuntime().addShutdownHook(h);
            hook = h;
        }
        int code = finish(child, pump, err);
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running and will exit with the same code
            }
        }
        return Optional.of(code);
    }

    /**
     * SIGINT and SIGTERM to this process go to the child as they are, and this process keeps waiting for it: the
     * child saves and exits 130 or 143, and so does this one. A Ctrl-C reaches both already; the child ignores the
     * second copy while it is saving. Through {@code sun.misc.Signal} (module jdk.unsupported), found reflectively
     * so that nothing breaks where it is missing; false there, and on systems without {@code kill}.
     */
    private static boolean forwardSignals(Process child) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            var handle = signal.getMethod("handle", signal, handler);
            for (String name : List.of("INT", "TERM")) {
                Object forward = java.lang.reflect.Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler},
                        (proxy, method, margs) -> {
                            if (method.getName().equals("handle")) {
                                signal(child, name);
                            }
                            return null;
                        });
                handle.invoke(null, signal.getConstructor(String.class).newInstance(name), forward);
            }
            return new java.io.File("/bin/kill").canExecute() || new java.io.File("/usr/bin/kill").canExecute();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static void signal(Process child, String name) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(child.pid())).start().waitFor();
        } catch (IOException | InterruptedException e) {
            child.destroy();
        }
    }

    private static int finish(Process child, Thread pump, PrintStream err) {
        boolean interrupted = false;
        int code;
        while (true) {
            try {
                code = child.waitFor();
                pump.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        err.flush();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return code;
    }

    /** Copies the child's stderr as it comes, less a first line that is Java's incubating-module warning. */
    static void copyStderr(InputStream in, OutputStream out) {
        byte[] warning = (WARNING + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[8192];
        int matched = 0;        // bytes of the first line that matched the warning so far
        boolean first = true;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                int from = 0;
                while (first && from < n) {
                    if (buf[from] == warning[matched]) {
                        matched++;
                        from++;
                        if (matched == warning.length) {
                            first = false;   // dropped
                        }
                    } else {
                        out.write(warning, 0, matched);   // not the warning: let its start through
                        first = false;
                    }
                }
                out.write(buf, from, n - from);
                out.flush();
            }
            if (first && matched > 0) {
                out.write(warning, 0, matched);
            }
            out.flush();
        } catch (IOException e) {
            // the child's stderr closed with it, or ours is gone: nothing more to pass on
        }
    }
}
