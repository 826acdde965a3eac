package dev.sinapse.apps.cli;

import dev.sinapse.api.SinapseException;
import dev.sinapse.io.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An output must not be one of the same command's inputs: writing it would replace the input (evaluate --data X.csv
 * --png X.csv used to turn the data into a picture, with exit 0). Files are compared as files, by device and inode
 * ({@link Files#isSameFile}), so "./x.csv", an absolute path, a symbolic link or a hard link to the input are all
 * caught. An output that is not a regular file (standard output, a FIFO, a device) is written through, replacing
 * nothing, and is let be.
 */
final class Outputs {
    /** What a run writes into its directory (see RunDirectory, RunRecorder and PlotCommand.CURVES). */
    private static final List<String> RUN_FILES = List.of("last.ckpt", "best.ckpt", "config.textproto", "metrics.csv", PlotCommand.CURVES);

    /** An input of a command: the option that named it, and the path (null when not given). */
    record Input(String option, Path path) {
    }

    private Outputs() {
    }

    static Input input(String option, Path path) {
        return new Input(option, path);
    }

    /** Refuses {@code output}, given as {@code option}, when it is one of {@code inputs}. */
    static void notAnInput(String option, Path output, Input... inputs) {
        Input same = sameAs(output, inputs);
        if (same != null) {
            throw new SinapseException(option + " " + output + " is the same file as " + same.option() + " " + same.path()
                    + "; writing it would replace that input: choose another name");
        }
    }

    /** Refuses a run directory in which the run would write over one of its inputs (config.textproto over --config). */
    static void notInRunDirectory(Path dir, Input... inputs) {
        if (dir == null) {
            return;
        }
        for (String name : RUN_FILES) {
            Input same = sameAs(dir.resolve(name), inputs);
            if (same != null) {
                throw new SinapseException("--out " + dir + ": the run writes " + dir.resolve(name) + ", which is "
                        + same.option() + " " + same.path() + "; choose another run directory");
            }
        }
    }

    private static Input sameAs(Path output, Input... inputs) {
        if (output == null || !AtomicFiles.replaces(output)) {
            return null;
        }
        for (Input in : inputs) {
            if (in.path() != null && isSameFile(in.path(), output)) {
                return in;
            }
        }
        return null;
    }

    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;   // a missing input: reading it will say so
        }
    }
}
