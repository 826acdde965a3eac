package dev.sinapse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MatrixTest {

    private static void assertRejected(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void newMatrixIsZeroFilledWithTheGivenShape() {
        Matrix M = new Matrix(2, 3);
        assertThat(M.rows()).isEqualTo(2);
        assertThat(M.cols()).isEqualTo(3);
        assertThat(M.size()).isEqualTo(6);
        assertThat(M.shape()).isEqualTo("2x3");
        assertThat(M.data()).containsExactly(0, 0, 0, 0, 0, 0);
        assertThat(Matrix.zeros(2, 3)).isEqualTo(M);
    }

    @Test
    void emptyShapesAreAllowed() {
        assertThat(new Matrix(0, 3).size()).isZero();
        assertThat(new Matrix(3, 0).size()).isZero();
    }

    @Test
    void negativeOrOversizedShapeIsRejected() {
        assertRejected(() -> new Matrix(-1, 2), "bad shape -1x2");
        assertRejected(() -> new Matrix(2, -1, new float[0]), "shape 2x-1 does not fit 0 values");
        assertRejected(() -> new Matrix(100_000, 100_000), "bad shape 100000x100000");
    }

    @Test
    void dataOfTheWrongLengthIsRejectedWithShapeAndLength() {
        assertRejected(() -> new Matrix(2, 3, new float[5]), "shape 2x3 does not fit 5 values");
        assertRejected(() -> Matrix.of(2, 2, 1, 2, 3), "shape 2x2 does not fit 3 values");
    }

    @Test
    void constructorWrapsTheArrayButOfCopiesIt() {
        float[] values = {1, 2, 3, 4};
        Matrix wrapped = new Matrix(2, 2, values);
        Matrix copied = Matrix.of(2, 2, values);
        values[0] = 9;
        assertThat(wrapped.get(0, 0)).isEqualTo(9f);
        assertThat(wrapped.data()).isSameAs(values);
        assertThat(copied.get(0, 0)).isEqualTo(1f);
    }

    @Test
    void getAndSetAreRowMajor() {
        Matrix M = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
        assertThat(M.get(0, 2)).isEqualTo(3f);
        assertThat(M.get(1, 0)).isEqualTo(4f);
        M.set(1, 2, -7);
        assertThat(M.data()).containsExactly(1, 2, 3, 4, 5, -7);
    }

    @Test
    void writesThroughDataAreSeenByGet() {
        Matrix M = new Matrix(2, 2);
        M.data()[3] = 5;
        assertThat(M.get(1, 1)).isEqualTo(5f);
    }

    @Test
    void copyIsEqualButIndependent() {
        Matrix M = Matrix.of(2, 2, 1, 2, 3, 4);
        Matrix C = M.copy();
        assertThat(C).isEqualTo(M).isNotSameAs(M);
        C.set(0, 0, 100);
        assertThat(M.get(0, 0)).isEqualTo(1f);
    }

    @Test
    void setToCopiesTheValuesAndKeepsTheSourceIndependent() {
        Matrix src = Matrix.of(2, 2, 1, 2, 3, 4);
        Matrix dst = new Matrix(2, 2);
        float[] before = dst.data();
        dst.setTo(src);
        assertThat(dst).isEqualTo(src);
        assertThat(dst.data()).isSameAs(before);
        src.set(0, 0, 100);
        assertThat(dst.get(0, 0)).isEqualTo(1f);
    }

    @Test
    void sameShapeComparesRowsAndColumnsNotSize() {
        Matrix M = new Matrix(2, 3);
        assertThat(M.sameShape(Matrix.of(2, 3, 1, 2, 3, 4, 5, 6))).isTrue();
        assertThat(M.sameShape(new Matrix(3, 2))).isFalse();
        assertThat(M.sameShape(new Matrix(2, 4))).isFalse();
    }

    @Test
    void fillWritesEveryValue() {
        Matrix M = new Matrix(2, 3);
        M.fill(2.5f);
        assertThat(M.data()).containsOnly(2.5f).hasSize(6);
    }

    @Test
    void addScaledInPlaceAddsAlphaTimesB() {
        Matrix M = Matrix.of(2, 2, 1, 2, 3, 4);
        M.addScaledInPlace(-0.5f, Matrix.of(2, 2, 2, 4, 6, 8));
        assertThat(M).isEqualTo(Matrix.of(2, 2, 0, 0, 0, 0));
    }

    @Test
    void scaleInPlaceMultipliesEveryValue() {
        Matrix M = Matrix.of(2, 2, 1, -2, 3, 0.5f);
        M.scaleInPlace(2);
        assertThat(M).isEqualTo(Matrix.of(2, 2, 2, -4, 6, 1));
    }

    @Test
    void addRowVectorInPlaceAddsToEveryRow() {
        Matrix M = Matrix.of(3, 2, 1, 2, 3, 4, 5, 6);
        M.addRowVectorInPlace(Matrix.of(1, 2, 10, -1));
        assertThat(M).isEqualTo(Matrix.of(3, 2, 11, 1, 13, 3, 15, 5));
    }

    @Test
    void columnSumsIntoSumsOverRowsAndOverwritesOut() {
        Matrix M = Matrix.of(3, 2, 1, 2, 3, 4, 5, 6);
        Matrix out = Matrix.of(1, 2, 100, 100);
        M.columnSumsInto(out);
        assertThat(out).isEqualTo(Matrix.of(1, 2, 9, 12));
    }

    static Stream<Arguments> mismatchedShapes() {
        return Stream.of(
                arguments("setTo", (Consumer<Matrix>) M -> M.setTo(new Matrix(3, 2)),
                        "setTo: shapes 2x3 and 3x2 differ"),
                arguments("addScaledInPlace", (Consumer<Matrix>) M -> M.addScaledInPlace(1, new Matrix(3, 2)),
                        "addScaledInPlace: shapes 2x3 and 3x2 differ"),
                arguments("addRowVectorInPlace", (Consumer<Matrix>) M -> M.addRowVectorInPlace(new Matrix(1, 2)),
                        "row vector of 2 values added to 2x3"),
                arguments("columnSumsInto", (Consumer<Matrix>) M -> M.columnSumsInto(new Matrix(1, 2)),
                        "column sums of 2x3 into 1x2"));
    }

    /** setTo and addScaledInPlace reject 3x2 into 2x3 although the sizes agree. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("mismatchedShapes")
    void mismatchedShapeIsRejectedNamingBothAndLeavesThisAlone(String op, Consumer<Matrix> call, String message) {
        Matrix M = Matrix.of(2, 3, 1, 2, 3, 4, 5, 6);
        assertRejected(() -> call.accept(M), message);
        assertThat(M).isEqualTo(Matrix.of(2, 3, 1, 2, 3, 4, 5, 6));
    }

    @Test
    void argmaxRowFindsTheLargestValueOfThatRowOnly() {
        Matrix M = Matrix.of(3, 3,
                9, 1, 2,
                -5, -1, -3,
                0, 0, 7);
        assertThat(M.argmaxRow(0)).isZero();
        assertThat(M.argmaxRow(1)).isEqualTo(1);
        assertThat(M.argmaxRow(2)).isEqualTo(2);
    }

    @Test
    void argmaxRowTakesTheFirstOnTies() {
        Matrix M = Matrix.of(1, 4, 1, 3, 3, 2);
        assertThat(M.argmaxRow(0)).isEqualTo(1);
    }

    @Test
    void squaredNormIsTheSumOfSquares() {
        assertThat(Matrix.of(2, 2, 3, -4, 0, 12).squaredNorm()).isCloseTo(169, within(0.0));
        assertThat(new Matrix(2, 2).squaredNorm()).isZero();
    }

    @Test
    void squaredNormIsAccumulatedInDoubleSoFloatOverflowDoesNotHappen() {
        // (1e20f)² overflows float32 (max ~3.4e38) but not double
        double big = 1e20f;
        assertThat(Matrix.of(1, 2, 1e20f, -1e20f).squaredNorm()).isCloseTo(2 * big * big, within(1e28));
    }

    @Test
    void allFiniteIsFalseForNanOrInfinity() {
        assertThat(Matrix.of(1, 3, 1, -2, Float.MAX_VALUE).allFinite()).isTrue();
        assertThat(Matrix.of(1, 3, 1, Float.NaN, 3).allFinite()).isFalse();
        assertThat(Matrix.of(1, 3, 1, 2, Float.POSITIVE_INFINITY).allFinite()).isFalse();
        assertThat(Matrix.of(1, 3, Float.NEGATIVE_INFINITY, 2, 3).allFinite()).isFalse();
    }

    @Test
    void equalMatricesHaveTheSameShapeAndValues() {
        Matrix M = Matrix.of(2, 2, 1, 2, 3, 4);
        assertThat(M).isEqualTo(Matrix.of(2, 2, 1, 2, 3, 4)).hasSameHashCodeAs(Matrix.of(2, 2, 1, 2, 3, 4));
        assertThat(M).isNotEqualTo(Matrix.of(1, 4, 1, 2, 3, 4));
        assertThat(M).isNotEqualTo(Matrix.of(2, 2, 1, 2, 3, 5));
        assertThat(M).isNotEqualTo("Matrix 2x2");
    }

    @Test
    void toStringShowsShapeAndRowsOfSmallMatrices() {
        assertThat(Matrix.of(2, 2, 1, 2, 3, 4)).hasToString("Matrix 2x2 [[1.0, 2.0], [3.0, 4.0]]");
        assertThat(new Matrix(0, 3)).hasToString("Matrix 0x3 []");
        assertThat(new Matrix(9, 9)).hasToString("Matrix 9x9");
    }
}
