package dev.sinapse.apps;

import dev.sinapse.api.SinapseException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where plug-in jars come from, so that {@code java -jar sinapse.jar} finds them without {@code -cp}: each directory
 * named by {@code --plugins DIR}, then each entry of {@value #ENV} (separated as the class path is, {@code :} or
 * {@code ;}), then {@code plugins/} in the working directory when there is one. A directory contributes every
 * {@code .jar} in it, by name; an entry may also be a jar itself. A directory named explicitly must exist; the
 * default {@code plugins/} is skipped when absent. The jars are loaded by one class loader whose parent has the
 * built-in types, and their Guice modules are found as the class path's are ({@link Injection}).
 */
public final class PluginPath {
    public static final String ENV = "SINAPSE_PLUGINS";
    public static final String DEFAULT_DIR = "plugins";
    /** How the path is made, for messages: where a user puts the jar of a type a config asks for. */
    public static final String SOURCES = "--plugins DIR, " + ENV + " or ./" + DEFAULT_DIR;

    private final List<Path> jars;

    private PluginPath(List<Path> jars) {
        this.jars = List.copyOf(jars);
    }

    /** No plug-in jars: only what the class path holds. */
    public static PluginPath none() {
        return new PluginPath(List.of());
    }

    /** {@value #ENV} and {@code ./plugins}, as a program embedding Sinapse sees them. */
    public static PluginPath standard() {
        return resolve(List.of(), System.getenv(), Path.of(""));
    }

    /** The path from {@code --plugins} directories, the environment and the working directory {@code cwd}. */
    public static PluginPath resolve(List<Path> named, Map<String, String> env, Path cwd) {
        Set<Path> jars = new LinkedHashSet<>();
        for (Path dir : named) {
            add(jars, cwd.resolve(dir), "--plugins " + dir);
        }
        String fromEnv = env.getOrDefault(ENV, "");
        for (String entry : fromEnv.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                add(jars, cwd.resolve(entry.trim()), ENV + " entry '" + entry.trim() + "'");
            }
        }
        Path dflt = cwd.resolve(DEFAULT_DIR);
        if (Files.isDirectory(dflt)) {
            add(jars, dflt, "./" + DEFAULT_DIR);
        }
        return new PluginPath(new ArrayList<>(jars));
    }

    private static void add(Set<Path> jars, Path entry, String what) {
        if (Files.isRegularFile(entry) && entry.getFileName().toString().endsWith(".jar")) {
            jars.add(entry.toAbsolutePath().normalize());
            return;
        }
        if (!Files.isDirectory(entry)) {
            throw new SinapseException(what + ": no such directory or .jar file (" + entry.toAbsolutePath().normalize() + ")");
        }
        try (Stream<Path> files = Files.list(entry)) {
            files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f)).sorted()
                    .forEach(f -> jars.add(f.toAbsolutePath().normalize()));
        } catch (IOException | UncheckedIOException e) {
            throw new SinapseException(what + ": cannot list " + entry + " (" + e.getMessage() + ")");
        }
    }

    public List<Path> jars() {
        return jars;
    }

    /** A loader of the jars over {@code parent}; {@code parent} itself when there are none. */
    ClassLoader loader(ClassLoader parent) {
        if (jars.isEmpty()) {
            return parent;
        }
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new SinapseException(jars.get(i) + ": not a usable jar path (" + e.getMessage() + ")");
            }
        }
        // lives as long as the process: the plug-ins' classes are in use until it ends
        return new URLClassLoader("sinapse-plugins", urls, parent);
    }

    /** The end of an unknown-type message: where plug-ins come from, and which jars this run loaded. */
    public String hint() {
        return "plug-ins come from jars on the plug-in path (" + SOURCES + "); loaded: "
                + (jars.isEmpty() ? "none" : jars.stream().map(j -> j.getFileName().toString()).collect(Collectors.joining(", ")));
    }
}
