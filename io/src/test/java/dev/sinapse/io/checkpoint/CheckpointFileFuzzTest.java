package dev.sinapse.io.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.SinapseException;
import dev.sinapse.io.proto.Checkpoint;
import dev.sinapse.io.proto.NamedState;
import dev.sinapse.io.proto.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and mutated bytes into {@link CheckpointFile#read}: whatever the input, the outcome is a checkpoint
 * or a one-line {@link SinapseException}, never another exception, a hang or an OutOfMemoryError. Accepted
 * checkpoints are also converted to matrices and states, which must fail the same way on nonsense.
 */
class CheckpointFileFuzzTest {
    private static final byte[] VALID = validFile();
    private static Path dir;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("checkpoint-fuzz");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Property(tries = 2000, seed = "20261127", shrinking = ShrinkingMode.BOUNDED)
    void readReturnsACheckpointOrThrowsAOneLineSinapseException(@ForAll("inputs") byte[] bytes) throws IOException {
        Path file = dir.resolve("fuzz.ckpt");
        Files.write(file, bytes);
        try {
            Checkpoint c = CheckpointFile.read(file);
            useEverything(c);
        } catch (SinapseException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
        }
    }

    private static void useEverything(Checkpoint c) {
        assertThat(c.getFormatVersion()).isEqualTo(CheckpointFormat.CURRENT_VERSION);
        Tensors.paramsSha256(c.getParamsList());
        for (Tensor t : c.getParamsList()) {
            Tensors.toMatrix(t);
        }
        for (NamedState s : c.getLayerStatesList()) {
            Tensors.toState(s);
        }
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(120)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(120).map(CheckpointFileFuzzTest::withMagic)),
                Tuple.of(3, flippedBytes()),
                Tuple.of(2, Arbitraries.integers().between(0, VALID.length).map(n -> Arrays.copyOf(VALID, n))),
                Tuple.of(1, Arbitraries.longs().map(n -> CheckpointFileTest.putLong(VALID, 12, n))),
                Tuple.of(1, Arbitraries.integers().map(v -> CheckpointFileTest.putInt(VALID, 8, v))),
                Tuple.of(4, resealedPayloads()));
    }

    /** One to four bytes of a valid file set to random values. */
    private Arbitrary<byte[]> flippedBytes() {
        Arbitrary<int[]> positions = Arbitraries.integers().between(0, VALID.length - 1).array(int[].class).ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(positions, Arbitraries.bytes()).as((at, value) -> {
            byte[] b = VALID.clone();
            for (int i : at) {
                b[i] ^= value == 0 ? 1 : value;
            }
            return b;
        });
    }

    /**
     * A mutated payload in a correct envelope (length and checksum recomputed), so the bytes get past the
     * checksum into the protobuf parser and the converters.
     */
    private Arbitrary<byte[]> resealedPayloads() {
        byte[] payload = Arrays.copyOfRange(VALID, CheckpointFileTest.HEADER, VALID.length);
        Arbitrary<int[]> positions = Arbitraries.integers().between(0, payload.length - 1).array(int[].class).ofMinSize(1).ofMaxSize(6);
        Arbitrary<byte[]> mutated = Combinators.combine(positions, Arbitraries.bytes(), Arbitraries.integers().between(0, payload.length))
                .as((at, value, cut) -> {
                    byte[] p = Arrays.copyOf(payload, cut);
                    for (int i : at) {
                        if (i < p.length) {
                            p[i] = value;
                        }
                    }
                    return p;
                });
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        return Arbitraries.oneOf(mutated, mutated, random).map(p -> CheckpointFileTest.envelope(CheckpointFormat.CURRENT_VERSION, p));
    }

    private static byte[] validFile() {
        return CheckpointFileTest.envelope(CheckpointFormat.CURRENT_VERSION, SampleCheckpoints.small().toByteArray());
    }

    private static byte[] withMagic(byte[] tail) {
        byte[] b = Arrays.copyOf(VALID, 8 + tail.length);
        System.arraycopy(tail, 0, b, 8, tail.length);
        return b;
    }
}
