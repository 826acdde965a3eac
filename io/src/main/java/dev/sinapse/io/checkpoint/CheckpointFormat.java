package dev.sinapse.io.checkpoint;

/**
 * The checkpoint format version, written in the file header and in {@code Checkpoint.format_version}.
 *
 * <p>History (a reader accepts every version up to {@link #CURRENT_VERSION}; each step up needs an upgrade
 * path in {@link CheckpointFile#read} and a committed golden file of the previous version in the tests):
 * <ol>
 *   <li>First format: {@code sinapse/checkpoint.proto} inside the envelope of {@link CheckpointFile}.</li>
 * </ol>
 * Additive proto changes (a new field whose default means "as before") keep the version; only changes an
 * older reader would misread bump it, so that older readers refuse the file instead of guessing.
 */
public final class CheckpointFormat {
    public static final int CURRENT_VERSION = 1;

    private CheckpointFormat() {
    }
}
