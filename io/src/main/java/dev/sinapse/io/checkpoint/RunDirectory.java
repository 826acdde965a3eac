package dev.sinapse.io.checkpoint;

import dev.sinapse.io.files.AtomicFiles;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.proto.Checkpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of one training run:
 * <pre>
 * last.ckpt              the latest state, to resume from
 * best.ckpt              the best evaluation so far
 * step-000000123.ckpt    numbered snapshots; the last K are kept
 * config.textproto       the experiment as resolved
 * metrics.csv            the metric history (written by the trainer)
 * curves.png             the curves drawn at the end (by plot)
 * .lock                  held by the process training here ({@link RunLock})
 * </pre>
 * Every file is replaced atomically, so a run killed at any moment leaves each of them whole. A directory holds one
 * run: {@link #previousRun} finds another run's files before a new one starts, and {@link #clearPreviousRun} removes
 * them when the user asks to replace it.
 */
public final class RunDirectory {
    static final String LAST = "last.ckpt";
    static final String BEST = "best.ckpt";
    static final String CONFIG = "config.textproto";
    static final String METRICS = "metrics.csv";
    static final String CURVES = "curves.png";
    /** Where {@link #clearPreviousRun} moves the old files before deleting them. */
    static final String REPLACED = ".replaced";
    private static final Pattern NUMBERED = Pattern.compile("step-(\\d+)\\.ckpt");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss", Locale.ROOT);
    private static final int MAX_NAME_CHARS = 60;
    private static final int MAX_SAME_SECOND_RUNS = 1000;

    private final Path dir;

    /** Opens {@code dir}, creating it (and its parents) if missing. */
    public RunDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new SinapseException("cannot use run directory " + dir + ": it exists and is not a directory");
        } catch (IOException e) {
            throw new SinapseException("cannot create run directory " + dir + ": " + AtomicFiles.describe(e), e);
        }
        if (!Files.isWritable(dir)) {
            throw new SinapseException("cannot use run directory " + dir + ": it is not writable");
        }
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path last() {
        return dir.resolve(LAST);
    }

    public Path best() {
        return dir.resolve(BEST);
    }

    public Path config() {
        return dir.resolve(CONFIG);
    }

    public void saveLast(Checkpoint c) {
        CheckpointFile.write(last(), c);
    }

    public void saveBest(Checkpoint c) {
        CheckpointFile.write(best(), c);
    }

    /**
     * Writes {@code step-<step, 9+ digits>.ckpt}, then deletes older numbered files so that {@code keep} remain:
     * the one just written and the {@code keep - 1} others with the highest steps. Nothing is deleted before the
     * new file is safely in place.
     *
     * @return the file written, or null when {@code keep <= 0} (numbered checkpoints are off)
     */
    public Path saveNumbered(Checkpoint c, long step, int keep) {
        if (keep <= 0) {
            return null;
        }
        if (step < 0) {
            throw new IllegalArgumentException("negative step " + step);
        }
        Path file = dir.resolve(String.format(Locale.ROOT, "step-%09d.ckpt", step));
        CheckpointFile.write(file, c);
        List<Path> older = numberedExcept(file);
        for (Path old : older.subList(0, Math.max(0, older.size() - (keep - 1)))) {
            try {
                Files.deleteIfExists(old);
            } catch (IOException e) {
                throw new SinapseException("cannot delete old checkpoint " + old + ": " + AtomicFiles.describe(e), e);
            }
        }
        return file;
    }

    /** Numbered checkpoints other than {@code except}, oldest (lowest step) first. */
    private List<Path> numberedExcept(Path except) {
        record Numbered(Path file, long step) {
        }
        List<Numbered> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                Matcher m = NUMBERED.matcher(f.getFileName().toString());
                if (m.matches() && !f.equals(except) && Files.isRegularFile(f)) {
                    try {
                        found.add(new Numbered(f, Long.parseLong(m.group(1))));
                    } catch (NumberFormatException tooLong) {
                        // more digits than a step can have: not ours, leave it alone
                    }
                }
            });
        } catch (IOException e) {
            throw new SinapseException("cannot list run directory " + dir + ": " + AtomicFiles.describe(e), e);
        }
        found.sort(Comparator.comparingLong(Numbered::step));
        return found.stream().map(Numbered::file).toList();
    }

    /** Writes the resolved experiment text to {@code config.textproto}, atomically. */
    public void writeConfig(String text) {
        try {
            AtomicFiles.write(config(), ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new SinapseException("cannot write " + config() + ": " + AtomicFiles.describe(e), e);
        }
    }

    /**
     * The files of a run already in {@code dir} (checkpoints, config, metrics, curves), last.ckpt first, then by name;
     * empty when {@code dir} is missing or holds none. Other files, and the lock file, are not a run.
     */
    public static List<Path> previousRun(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        for (String name : List.of(LAST, BEST, CONFIG, METRICS, CURVES)) {
            if (Files.exists(dir.resolve(name))) {
                files.add(dir.resolve(name));
            }
        }
        try (Stream<Path> all = Files.list(dir)) {
            all.filter(f -> NUMBERED.matcher(f.getFileName().toString()).matches()).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new SinapseException("cannot list run directory " + dir + ": " + AtomicFiles.describe(e), e);
        }
        return files;
    }

    /**
     * Removes the run in {@code dir} (the files {@link #previousRun} finds), for {@code train --force}. Each file is
     * first renamed into {@code dir/.replaced/}, last.ckpt first, and that folder is deleted once all are there: a
     * process killed on the way leaves every file whole, either still in place or in {@code .replaced}, never a
     * truncated checkpoint; the next {@code --force} finishes the job. Files that are not the run's stay.
     */
    public static void clearPreviousRun(Path dir) {
        Path trash = dir.resolve(REPLACED);
        try {
            deleteTree(trash);   // what an interrupted earlier --force left
            List<Path> files = previousRun(dir);
            if (files.isEmpty()) {
                return;
            }
            Files.createDirectory(trash);
            for (Path f : files) {
                Files.move(f, trash.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
            deleteTree(trash);
        } catch (IOException e) {
            throw new SinapseException("cannot clear the previous run in " + dir + " for --force: " + AtomicFiles.describe(e)
                    + "; files not yet removed are in " + dir + " or " + trash, e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(root)) {
                for (Path c : children.toList()) {
                    deleteTree(c);
                }
            }
        }
        Files.delete(root);
    }

    /**
     * Creates a new, empty run directory under {@code parent} named by the local time and {@code name}, e.g.
     * {@code runs/2026-11-27T06-40-12-article}; a second run in the same second gets "-2", "-3", ...
     * Characters other than letters, digits, '.', '_' and '-' in the name become '-'.
     */
    public static Path newRunDir(Path parent, String name) {
        return newRunDir(parent, name, LocalDateTime.now());
    }

    static Path newRunDir(Path parent, String name, LocalDateTime now) {
        String slug = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[.-]+|-+$", "");
        slug = slug.substring(0, Math.min(slug.length(), MAX_NAME_CHARS));
        String base = STAMP.format(now) + (slug.isEmpty() ? "" : "-" + slug);
        try {
            Files.createDirectories(parent);
            for (int i = 1; i <= MAX_SAME_SECOND_RUNS; i++) {
                try {
                    // createDirectory fails if the name exists, so two runs started together never share one
                    return Files.createDirectory(parent.resolve(i == 1 ? base : base + "-" + i));
                } catch (FileAlreadyExistsException taken) {
                    // try the next suffix
                }
            }
        } catch (IOException e) {
            throw new SinapseException("cannot create a run directory in " + parent + ": " + AtomicFiles.describe(e), e);
        }
        throw new SinapseException("cannot create a run directory in " + parent + ": " + base + " and "
                + (MAX_SAME_SECOND_RUNS - 1) + " numbered variants exist");
    }
}
