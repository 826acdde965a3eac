package dev.sinapse.kernels;

import java.lang.module.ModuleFinder;
import java.util.Optional;

/**
 * Whether this JVM can run the Vector API kernels: the incubating module must be in the runtime and resolved
 * (java --add-modules jdk.incubator.vector), and the CPU must have 256-bit float vectors, without which the API's
 * operations run as Java code, far slower than the plain kernels. No class of the module is touched unless it is
 * resolved, so asking is safe on any JVM.
 */
public final class VectorApi {
    public static final String MODULE = "jdk.incubator.vector";

    private VectorApi() {
    }

    /** The module is resolved in this JVM. */
    public static boolean resolved() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /** The module ships with this Java runtime (a child JVM started with --add-modules would have it). */
    public static boolean inRuntime() {
        return ModuleFinder.ofSystem().find(MODULE).isPresent();
    }

    /** Why the Vector API kernels cannot run in this JVM, or empty when they can. */
    public static Optional<String> unavailable() {
        if (!inRuntime()) {
            return Optional.of("this Java runtime has no " + MODULE + " module");
        }
        if (!resolved()) {
            return Optional.of("Java was started without --add-modules " + MODULE);
        }
        if (!VectorBlocks.supported()) {
            return Optional.of("this CPU has no 256-bit vector instructions (AVX2 or better)");
        }
        return Optional.empty();
    }
}
