package dev.sinapse.apps.cli;

import com.google.inject.Injector;
import dev.sinapse.apps.Injection;
import dev.sinapse.apps.PluginPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --plugins DIR}, for every command that builds types from keys: a picocli mixin. */
final class PluginsOption {
    @Option(names = "--plugins", paramLabel = "DIR", description = "A directory of plug-in jars (or one jar) to load, "
            + "besides those in " + PluginPath.ENV + " and ./" + PluginPath.DEFAULT_DIR + ". Repeatable.")
    List<Path> dirs = new ArrayList<>();

    PluginPath path() {
        return PluginPath.resolve(dirs, System.getenv(), Path.of(""));
    }

    /** The {@code --plugins} flags again, with absolute paths, for the commands that messages suggest; "" when none. */
    String again() {
        StringBuilder b = new StringBuilder();
        dirs.forEach(d -> b.append(" --plugins ").append(SelfCommand.quote(d.toAbsolutePath().normalize().toString())));
        return b.toString();
    }

    /** The one injector of a command: the built-ins and the plug-ins of the class path and the plug-in path. */
    Injector injector() {
        return Injection.create(path());
    }
}
