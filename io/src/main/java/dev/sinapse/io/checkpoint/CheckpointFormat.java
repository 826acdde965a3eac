package dev.sinapse.io.checkpoint;

/**
 * The checkpoint format version, written in the file header and in {@code Checkpoint.format_version}.
 *
 * <p>History (a reader accepts every version up to {@link #CURRENT_VERSION}; each step up needs an upgrade
 * path in {@link CheckpointFile#read} and a committed golden file of the previous version in the tests):
 * <ol>
 *   <li>First format: {@code sinapse/checkpoint.proto} inside the envelope of {@link CheckpointFile}.</li>
 *   <li>The batch kernel in a field of its own ({@code kernel}) and the trainer's state in named fields
 *       ({@code trainer}), where format 1 kept both as keys of the {@code early_stopping} state. A format-1 file
 *       reads as before: its {@code early_stopping} still holds them.</li>
 * </ol>
 * Additive proto changes (a new field whose default means "as before") keep the version; only changes an
 * older reader would misread bump it, so that older readers refuse the file instead of guessing.
 */
public final class CheckpointFormat {
    public static final int CURRENT_VERSION = 2;

    private CheckpointFormat() {
    }
}
