package dev.sinapse.io.checkpoint;

import static dev.sinapse.io.checkpoint.SampleCheckpoints.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.Matrix;
import dev.sinapse.api.SinapseException;
import dev.sinapse.api.State;
import dev.sinapse.io.proto.NamedState;
import dev.sinapse.io.proto.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorsTest {

    @Test
    void matrixRoundTripIsBitExact() {
        Matrix m = Matrix.of(2, 3, 0.1f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, Float.NaN);

        Tensor t = Tensors.toProto("hidden.W", m);
        Matrix back = Tensors.toMatrix(t);

        assertThat(t.getName()).isEqualTo("hidden.W");
        assertThat(t.getRows()).isEqualTo(2);
        assertThat(t.getCols()).isEqualTo(3);
        assertThat(back.rows()).isEqualTo(2);
        assertThat(back.cols()).isEqualTo(3);
        for (int i = 0; i < m.size(); i++) {
            assertThat(Float.floatToRawIntBits(back.data()[i])).as("value %d", i)
                    .isEqualTo(Float.floatToRawIntBits(m.data()[i]));
        }
    }

    @Test
    void anEmptyTensorRoundTrips() {
        Matrix back = Tensors.toMatrix(Tensors.toProto("none", new Matrix(0, 5)));

        assertThat(back.rows()).isZero();
        assertThat(back.cols()).isEqualTo(5);
        assertThat(back.size()).isZero();
    }

    @Test
    void toMatrixCopiesSoTheProtoStaysUnchanged() {
        Tensor t = tensor("b", 1, 2, 1, 2);

        Tensors.toMatrix(t).fill(9);

        assertThat(Tensors.toMatrix(t).data()).containsExactly(1f, 2f);
    }

    @Test
    void aTensorWhoseValuesDoNotFitItsShapeIsNamed() {
        Tensor t = tensor("out.W", 2, 3, 1, 2, 3, 4, 5);

        assertThatThrownBy(() -> Tensors.toMatrix(t))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessage("tensor 'out.W' has 5 values, expected 2x3 = 6");
    }

    @Test
    void aHugeClaimedShapeIsRefusedWithoutAllocating() {
        Tensor t = tensor("x", -1, -1); // uint32 4294967295 each

        assertThatThrownBy(() -> Tensors.toMatrix(t))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessage("tensor 'x' has an impossible shape 4294967295x4294967295");
        assertThatThrownBy(() -> Tensors.toMatrix(tensor("y", 65536, 65536)))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessageStartingWith("tensor 'y' has an impossible shape");
    }

    @Test
    void stateRoundTripKeepsTensorsAndNumbers() {
        State s = new State()
                .put("m.0", Matrix.of(1, 2, 0.5f, -0.5f))
                .put("v.0", Matrix.of(2, 1, 3, 4))
                .putLong("t", 42)
                .putDouble("beta1_power", 0.81);

        NamedState p = Tensors.toProto("adam", s);
        State back = Tensors.toState(p);

        assertThat(p.getOwner()).isEqualTo("adam");
        assertThat(back.tensors()).containsOnlyKeys("m.0", "v.0");
        assertThat(back.tensor("m.0", 1, 2)).isEqualTo(Matrix.of(1, 2, 0.5f, -0.5f));
        assertThat(back.tensor("v.0", 2, 1)).isEqualTo(Matrix.of(2, 1, 3, 4));
        assertThat(back.getLong("t")).isEqualTo(42);
        assertThat(back.getDouble("beta1_power")).isEqualTo(0.81);
        assertThat(back.longs()).hasSize(1);
        assertThat(back.doubles()).hasSize(1);
    }

    @Test
    void aBadTensorInAStateNamesTheOwnerAndTheTensor() {
        assertToStateFails(state("bn1", tensor("running_mean", 1, 3, 1)),
                "state of 'bn1': tensor 'running_mean' has 1 values, expected 1x3 = 3");
    }

    @Test
    void aHostileNameCannotBreakTheOneLineMessage() {
        assertToStateFails(state("x\ry", tensor("a\nb", 1, 2, 1)), "state of 'x?y': tensor 'a?b' has 1 values, expected 1x2 = 2");
    }

    @Test
    void twoTensorsWithOneNameInAStateAreRefused() {
        assertToStateFails(state("bn1", tensor("mean", 1, 1, 1), tensor("mean", 1, 1, 2)),
                "state of 'bn1' has two tensors named 'mean'");
    }

    private static NamedState state(String owner, Tensor... tensors) {
        return NamedState.newBuilder().setOwner(owner).addAllTensors(List.of(tensors)).build();
    }

    private static void assertToStateFails(NamedState p, String message) {
        assertThatThrownBy(() -> Tensors.toState(p))
                .isExactlyInstanceOf(SinapseException.class)
                .hasMessage(message);
    }

    // ---- the parameter digest --------------------------------------------------------------------------------

    /** Expected values computed outside Java from the documented bytes, with coreutils:
     *  {@code printf 'a\0\0\0\0\1\0\0\0\1\x3f\x80\0\0' | sha256sum}. */
    @Test
    void digestMatchesValuesComputedBySha256sum() {
        assertThat(Tensors.paramsSha256(List.of()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Tensors.paramsSha256(List.of(tensor("a", 1, 1, 1f))))
                .isEqualTo("6ec23b87abc164d6abb82cbeb0f6950746e7f26568b46e646f3e08706433a8d7");
        // printf 'W\0\0\0\0\1\0\0\0\2\x3f\x80\0\0\xc0\0\0\0b\0\0\0\0\0\0\0\0\0' | sha256sum
        assertThat(Tensors.paramsSha256(List.of(tensor("W", 1, 2, 1f, -2f), tensor("b", 0, 0))))
                .isEqualTo("b9c634f37fea76c0aa361147323f4f1894d537865cb2b9fd13241246fee4aedc");
    }

    /** Recomputes the documented layout with DataOutputStream (big-endian by contract) on parameters of many sizes. */
    @Test
    void digestEqualsAnIndependentRecomputationOfTheDocumentedLayout() throws Exception {
        List<Tensor> params = SampleCheckpoints.full().getParamsList();
        Tensor large = Tensors.toProto("ünïcode.W", ramp(97, 53)); // > one 8 KiB chunk, non-ASCII name
        List<Tensor> all = new java.util.ArrayList<>(params);
        all.add(large);

        assertThat(Tensors.paramsSha256(all)).isEqualTo(recompute(all));
        assertThat(Tensors.paramsSha256(params)).isEqualTo(recompute(params));
    }

    @Test
    void digestChangesWithAnyBitOfAnyValueAndWithTheOrder() {
        Tensor a = tensor("W", 1, 2, 1f, 2f);
        Tensor b = tensor("b", 1, 1, 3f);
        String base = Tensors.paramsSha256(List.of(a, b));

        assertThat(Tensors.paramsSha256(List.of(b, a))).isNotEqualTo(base);
        assertThat(Tensors.paramsSha256(List.of(tensor("W", 1, 2, 1f, Math.nextUp(2f)), b))).isNotEqualTo(base);
        assertThat(Tensors.paramsSha256(List.of(tensor("W", 2, 1, 1f, 2f), b))).isNotEqualTo(base);
        assertThat(Tensors.paramsSha256(List.of(Tensors.toProto("W", Matrix.of(1, 2, 1f, 2f)), b))).isEqualTo(base);
    }

    private static Matrix ramp(int rows, int cols) {
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < m.size(); i++) {
            m.data()[i] = (i % 7 - 3) * 0.37f + i * 1e-4f;
        }
        return m;
    }

    private static String recompute(List<Tensor> params) throws IOException, java.security.NoSuchAlgorithmException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (Tensor t : params) {
            out.write(t.getName().getBytes(StandardCharsets.UTF_8));
            out.write(0);
            out.writeInt(t.getRows());
            out.writeInt(t.getCols());
            for (float v : t.getValuesList()) {
                out.writeInt(Float.floatToRawIntBits(v));
            }
        }
        StringBuilder hex = new StringBuilder();
        for (byte x : MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray())) {
            hex.append(String.format("%02x", x));
        }
        return hex.toString();
    }
}
