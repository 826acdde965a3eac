package dev.sinapse.io.checkpoint;

import dev.sinapse.io.proto.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child process of {@link CheckpointCrashTest}: continues from {@code last.ckpt} if there is one, then saves
 * step after step until it is killed, printing each step once its save has returned.
 */
public final class CrashingWriter {
    private CrashingWriter() {
    }

    public static void main(String[] args) {
        RunDirectory run = new RunDirectory(Path.of(args[0]));
        long step = Files.exists(run.last()) ? CheckpointFile.read(run.last()).getPosition().getStep() : 0;
        while (true) {
            step++;
            Checkpoint c = SampleCheckpoints.atStep(step);
            run.saveLast(c);
            run.saveNumbered(c, step, 2);
            System.out.println(step);
            System.out.flush();
        }
    }
}
