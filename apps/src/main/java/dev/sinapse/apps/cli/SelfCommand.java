package dev.sinapse.apps.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How to run this Sinapse again from where the user stands: {@code java -jar /abs/path/sinapse.jar} when it runs
 * from a jar, else {@code java -cp <class path> dev.sinapse.apps.cli.Main}. For the commands that messages suggest
 * (a resume after Ctrl-C, a resume on another kernel), so that they work when pasted, whatever the directory.
 */
final class SelfCommand {
    private SelfCommand() {
    }

    static String get() {
        try {
            Path where = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            if (Files.isRegularFile(where)) {
                return "java -jar " + quote(where.toString());
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no code source (an unusual class loader): the class path below still works
        }
        return "java -cp " + quote(System.getProperty("java.class.path")) + " " + Main.class.getName();
    }

    /** Single quotes for a POSIX shell, only where the path needs them. */
    static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
