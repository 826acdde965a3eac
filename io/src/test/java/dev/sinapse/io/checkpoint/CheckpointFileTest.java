package dev.sinapse.io.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.CheckpointProto;
import dev.sinapse.io.proto.EndOfRun;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckpointFileTest {
    /** The documented layout, spelled out here rather than taken from the class under test. */
    private static final byte[] MAGIC = {(byte) 0x89, 0x53, 0x4E, 0x50, 0x0D, 0x0A, 0x1A, 0x0A};
    static final int HEADER = 52;

    @TempDir
    Path dir;

    @Test
    void theSampleSetsEveryFieldOfTheCheckpointSchema() {
        assertEveryFieldSet(SampleCheckpoints.full(), "Checkpoint");
    }

    /** Recurses into messages declared in checkpoint.proto; the imported Experiment belongs to the config tests. */
    private static void assertEveryFieldSet(Message m, String path) {
        for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
            String where = path + "." + f.getName();
            if (f.isRepeated()) {
                assertThat(m.getRepeatedFieldCount(f)).as(where).isPositive();
            } else {
                assertThat(m.hasField(f)).as(where).isTrue();
            }
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isMapField()
                    && f.getMessageType().getFile() == CheckpointProto.getDescriptor()) {
                if (f.isRepeated()) {
                    for (int i = 0; i < m.getRepeatedFieldCount(f); i++) {
                        assertEveryFieldSet((Message) m.getRepeatedField(f, i), where + "[" + i + "]");
                    }
                } else {
                    assertEveryFieldSet((Message) m.getField(f), where);
                }
            }
        }
    }

    @Test
    void roundTripKeepsEveryFieldAndTheParameterDigest() {
        Checkpoint original = SampleCheckpoints.full();
        Path file = dir.resolve("last.ckpt");

        CheckpointFile.write(file, original);
        Checkpoint back = CheckpointFile.read(file);

        assertThat(back).isEqualTo(original);
        assertThat(Tensors.paramsSha256(back.getParamsList())).isEqualTo(Tensors.paramsSha256(original.getParamsList()));
        for (int i = 0; i < original.getParamsCount(); i++) {
            assertThat(Tensors.toMatrix(back.getParams(i)).data()).containsExactly(Tensors.toMatrix(original.getParams(i)).data());
        }
    }

    @Test
    void headerFollowsTheDocumentedLayout() throws Exception {
        Path file = dir.resolve("a.ckpt");
        CheckpointFile.write(file, SampleCheckpoints.full());
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes); // big-endian by default
        byte[] payload = Arrays.copyOfRange(bytes, HEADER, bytes.length);

        assertThat(Arrays.copyOfRange(bytes, 0, 8)).containsExactly(MAGIC);
        assertThat(b.getInt(8)).isEqualTo(CheckpointFormat.CURRENT_VERSION);
        assertThat(b.getLong(12)).isEqualTo(bytes.length - HEADER);
        assertThat(Arrays.copyOfRange(bytes, 20, 52)).containsExactly(MessageDigest.getInstance("SHA-256").digest(payload));
        assertThat(Checkpoint.parseFrom(payload)).isEqualTo(SampleCheckpoints.full());
    }

    @Test
    void anUnsetFormatVersionIsWrittenAsTheCurrentOne() {
        Path file = dir.resolve("a.ckpt");
        CheckpointFile.write(file, SampleCheckpoints.small().toBuilder().clearFormatVersion().build());

        assertThat(CheckpointFile.read(file).getFormatVersion()).isEqualTo(CheckpointFormat.CURRENT_VERSION);
    }

    @Test
    void writingAFormatThisCodeDoesNotKnowIsAProgrammingError() {
        Checkpoint future = SampleCheckpoints.small().toBuilder().setFormatVersion(CheckpointFormat.CURRENT_VERSION + 1).build();

        assertThatThrownBy(() -> CheckpointFile.write(dir.resolve("a.ckpt"), future))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void rewritingReplacesTheWholeFile() {
        Path file = dir.resolve("last.ckpt");
        CheckpointFile.write(file, SampleCheckpoints.full());
        CheckpointFile.write(file, SampleCheckpoints.small());

        assertThat(CheckpointFile.read(file)).isEqualTo(SampleCheckpoints.small());
        assertThat(list(dir)).containsExactly("last.ckpt");
    }

    /**
     * A file written by format 1, committed to the tests: it must load in every later version. It holds
     * {@link SampleCheckpoints#format1()} and the since retired schedule field (33), now an unknown field.
     */
    @Test
    void goldenFormat1FileStillLoads() throws IOException {
        Checkpoint golden = CheckpointFile.read(golden("golden-v1.ckpt"));

        assertThat(golden.getFormatVersion()).isEqualTo(1);
        assertThat(golden.getPosition().getStep()).isEqualTo(123);
        assertThat(golden.getParams(0).getName()).isEqualTo("hidden.W");
        assertThat(golden.getUnknownFields().hasField(33)).as("the retired schedule field").isTrue();
        assertThat(golden.toBuilder().setUnknownFields(UnknownFieldSet.getDefaultInstance()).build())
                .isEqualTo(SampleCheckpoints.format1());
    }

    /**
     * The format-2 golden file: {@link SampleCheckpoints#goldenFormat2()}, with the kernel and the trainer state
     * named, from before the history's end_of_run: its points read as on the cadence.
     */
    @Test
    void goldenFormat2FileStillLoads() throws IOException {
        Checkpoint golden = CheckpointFile.read(golden("golden-v2.ckpt"));

        assertThat(golden.getFormatVersion()).isEqualTo(2);
        assertThat(golden.getKernel()).isEqualTo("fused");
        assertThat(golden.getTrainer().getPendingRows()).isEqualTo(9);
        assertThat(golden).isEqualTo(SampleCheckpoints.goldenFormat2());
        assertThat(golden.getHistoryList()).allMatch(m -> m.getEndOfRun() == EndOfRun.ON_CADENCE);
    }

    private Path golden(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream(name)) {
            assertThat(in).as(name + " on the test classpath").isNotNull();
            Files.copy(in, file);
        }
        return file;
    }

    // ---- damaged and hostile files -------------------------------------------------------------------------

    private static final int CURRENT = CheckpointFormat.CURRENT_VERSION;
    private static final int NEXT = CURRENT + 1;

    static Stream<Arguments> damagedFiles() {
        byte[] good = SampleCheckpoints.full().toByteArray();
        return Stream.of(
                damage("an empty file", b -> new byte[0], "empty file, not a Sinapse checkpoint"),
                damage("cut inside the magic", b -> Arrays.copyOf(b, 3), "truncated: 3 bytes, shorter than the 52-byte header"),
                damage("cut after the magic", b -> Arrays.copyOf(b, 8), "truncated: 8 bytes, shorter than the 52-byte header"),
                damage("cut inside the checksum", b -> Arrays.copyOf(b, 30), "truncated: 30 bytes, shorter than the 52-byte header"),
                damage("cut after the header", b -> Arrays.copyOf(b, HEADER),
                        "truncated or damaged: the header promises " + good.length + " payload bytes, the file holds 0"),
                damage("cut in the payload", b -> Arrays.copyOf(b, HEADER + 100),
                        "truncated or damaged: the header promises " + good.length + " payload bytes, the file holds 100"),
                damage("missing its last byte", b -> Arrays.copyOf(b, b.length - 1),
                        "the file holds " + (good.length - 1)),
                damage("with bytes appended", b -> Arrays.copyOf(b, b.length + 5), "the file holds " + (good.length + 5)),
                damage("a flipped payload byte", b -> flip(b, HEADER + good.length / 2), "checksum mismatch: the file is damaged"),
                damage("a flipped checksum byte", b -> flip(b, 20 + 7), "checksum mismatch: the file is damaged"),
                damage("random bytes", b -> randomBytes(), "not a Sinapse checkpoint (wrong magic bytes)"),
                damage("a text file", b -> "name: \"article\"\n".getBytes(), "not a Sinapse checkpoint"),
                damage("newlines converted to CRLF", CheckpointFileTest::toCrlf, "not a Sinapse checkpoint"),
                damage("a newer format version", b -> putInt(b, 8, NEXT),
                        "written by a newer Sinapse (format " + NEXT + ", this version reads up to " + CURRENT + ")"),
                damage("the largest format version", b -> putInt(b, 8, -1),
                        "written by a newer Sinapse (format 4294967295, this version reads up to " + CURRENT + ")"),
                damage("format version 0", b -> putInt(b, 8, 0), "format version 0 does not exist: the file is damaged"),
                damage("a huge lying length", b -> putLong(b, 12, Long.MAX_VALUE),
                        "the header promises 9223372036854775807 payload bytes, the file holds " + good.length),
                damage("an all-ones length", b -> putLong(b, 12, -1L), "the header promises 18446744073709551615 payload bytes"),
                damage("a resealed garbage payload", b -> envelope(CURRENT, new byte[] {0x0A, 0x7F, 1, 2}), "damaged payload: "),
                damage("a payload of another version", b -> envelope(CURRENT,
                                SampleCheckpoints.small().toBuilder().setFormatVersion(1).build().toByteArray()),
                        "damaged: the header says format " + CURRENT + ", the payload says 1"));
    }

    private static Arguments damage(String what, UnaryOperator<byte[]> how, String message) {
        return Arguments.of(what, how, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedFiles")
    void aDamagedFileGivesOneLineNamingItAndLeavesItsNeighboursLoadable(
            String what, UnaryOperator<byte[]> how, String message) throws IOException {
        Path good = dir.resolve("good.ckpt");
        CheckpointFile.write(good, SampleCheckpoints.full());
        Path bad = dir.resolve("bad.ckpt");
        Files.write(bad, how.apply(Files.readAllBytes(good)));

        assertThatThrownBy(() -> CheckpointFile.read(bad))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessageStartingWith(bad + ": ")
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));
        assertThat(CheckpointFile.read(good)).isEqualTo(SampleCheckpoints.full());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.ckpt");

        assertThatThrownBy(() -> CheckpointFile.read(missing))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void aDirectoryIsNotACheckpoint() {
        assertThatThrownBy(() -> CheckpointFile.read(dir))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessage(dir + ": not a regular file");
    }

    /** A sparse file, so the 2 GiB are never written: the reader must refuse it from the header alone. */
    @Test
    void aPayloadOverTwoGibibytesIsRefusedBeforeReadingIt() throws IOException {
        Path big = dir.resolve("big.ckpt");
        long payload = Integer.MAX_VALUE + 1L;
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.write(MAGIC);
            f.writeInt(1);
            f.writeLong(payload);
            f.setLength(HEADER + payload);
        } catch (IOException e) {
            assumeThat(e).as("this file system cannot hold a sparse 2 GiB file").isNull();
        }

        assertThatThrownBy(() -> CheckpointFile.read(big))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessageStartingWith(big + ": payload of 2147483648 bytes is over the ")
                .hasMessageEndingWith("-byte limit");
    }

    // ---- failed writes ---------------------------------------------------------------------------------------

    @Test
    void writingBelowARegularFileFailsAndTouchesNothing() {
        Path last = dir.resolve("last.ckpt");
        CheckpointFile.write(last, SampleCheckpoints.full());
        Path impossible = last.resolve("other.ckpt");

        assertThatThrownBy(() -> CheckpointFile.write(impossible, SampleCheckpoints.small()))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessageStartingWith("cannot write checkpoint " + impossible + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(CheckpointFile.read(last)).isEqualTo(SampleCheckpoints.full());
        assertThat(list(dir)).containsExactly("last.ckpt");
    }

    @Test
    void aFailedRenameDeletesTheTemporaryFile() throws IOException {
        Path last = dir.resolve("last.ckpt");
        CheckpointFile.write(last, SampleCheckpoints.full());
        Path taken = Files.createDirectory(dir.resolve("taken.ckpt"));
        Files.writeString(taken.resolve("keep.txt"), "mine");

        assertThatThrownBy(() -> CheckpointFile.write(taken, SampleCheckpoints.small()))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessageStartingWith("cannot write checkpoint " + taken + ": ");
        assertThat(list(dir)).containsExactlyInAnyOrder("last.ckpt", "taken.ckpt");
        assertThat(taken.resolve("keep.txt")).hasContent("mine");
        assertThat(CheckpointFile.read(last)).isEqualTo(SampleCheckpoints.full());
    }

    @Test
    void writingIntoAMissingDirectoryNamesTheProblem() {
        Path target = dir.resolve("no/such/dir/last.ckpt");

        assertThatThrownBy(() -> CheckpointFile.write(target, SampleCheckpoints.small()))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessageStartingWith("cannot write checkpoint " + target + ": no such file or directory");
    }

    /** Skipped as root, where permissions do not stop writes; the regular-file-parent case covers the logic. */
    @Test
    void writingIntoAReadOnlyDirectoryFailsAndKeepsThePreviousFile() throws IOException {
        Path last = dir.resolve("last.ckpt");
        CheckpointFile.write(last, SampleCheckpoints.full());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeThat(Files.isWritable(dir)).as("permissions are enforced for this user").isFalse();

            assertThatThrownBy(() -> CheckpointFile.write(last, SampleCheckpoints.small()))
                    .isExactlyInstanceOf(SinapseException.class)
                    .hasMessageStartingWith("cannot write checkpoint " + last + ": permission denied");
            assertThat(CheckpointFile.read(last)).isEqualTo(SampleCheckpoints.full());
            assertThat(list(dir)).containsExactly("last.ckpt");
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    static String[] list(Path d) {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A well-formed envelope with a correct checksum around any payload. */
    static byte[] envelope(int version, byte[] payload) {
        try {
            return ByteBuffer.allocate(HEADER + payload.length).put(MAGIC).putInt(version).putLong(payload.length)
                    .put(MessageDigest.getInstance("SHA-256").digest(payload)).put(payload).array();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= 0x10;
        return c;
    }

    /** A copy of {@code b} with the big-endian int at {@code at} set to {@code v}. */
    static byte[] putInt(byte[] b, int at, int v) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).putInt(at, v);
        return c;
    }

    /** A copy of {@code b} with the big-endian long at {@code at} set to {@code v}. */
    static byte[] putLong(byte[] b, int at, long v) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).putLong(at, v);
        return c;
    }

    private static byte[] randomBytes() {
        byte[] r = new byte[200];
        new Random(7).nextBytes(r);
        r[0] = 0x00; // certainly not the magic's first byte
        return r;
    }

    private static byte[] toCrlf(byte[] b) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte x : b) {
            if (x == '\n') {
                out.write('\r');
            }
            out.write(x);
        }
        return out.toByteArray();
    }
}
