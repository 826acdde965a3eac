package dev.sinapse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OptionsTest {
    private static final String WHERE = "layer 'h' (dense)";

    private static Options options(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new Options(WHERE, m);
    }

    /** The read fails with a SinapseException whose message is WHERE + ": " + message. */
    private static void assertRejected(ThrowingCallable read, String message) {
        assertThatThrownBy(read).isInstanceOf(SinapseException.class).hasMessage(WHERE + ": " + message);
    }

    @Test
    void keepsItsOwnCopyOfTheValues() {
        Map<String, String> m = new HashMap<>(Map.of("units", "10"));
        Options o = new Options(WHERE, m);
        m.put("units", "20");
        m.put("extra", "1");
        assertThat(o.asMap()).containsExactly(Map.entry("units", "10"));
        assertThat(o.where()).isEqualTo(WHERE);
    }

    @Test
    void asMapIsReadOnly() {
        Options o = options("units", "10");
        assertThatThrownBy(() -> o.asMap().put("units", "20")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void emptyHasNoValuesAndKeepsItsName() {
        Options o = Options.empty("optimizer 'sgd'");
        assertThat(o.asMap()).isEmpty();
        assertThat(o.where()).isEqualTo("optimizer 'sgd'");
        assertThat(o.has("lr")).isFalse();
    }

    @Test
    void typedReadsParseTheTrimmedText() {
        Options o = options("s", "  text ", "i", " -3 ", "d", "2.5e-1", "t", "TRUE", "f", "false");
        assertThat(o.has("s")).isTrue();
        assertThat(o.getString("s", "x")).isEqualTo("text");
        assertThat(o.requireString("s")).isEqualTo("text");
        assertThat(o.getInt("i", 0)).isEqualTo(-3);
        assertThat(o.requireInt("i")).isEqualTo(-3);
        assertThat(o.getDouble("d", 0)).isCloseTo(0.25, within(1e-15));
        assertThat(o.getBoolean("t", false)).isTrue();
        assertThat(o.getBoolean("f", true)).isFalse();
    }

    @Test
    void missingKeysGiveTheFallback() {
        Options o = options();
        assertThat(o.has("k")).isFalse();
        assertThat(o.getString("k", "dflt")).isEqualTo("dflt");
        assertThat(o.getString("k", null)).isNull();
        assertThat(o.getInt("k", 7)).isEqualTo(7);
        assertThat(o.getPositiveInt("k", 7)).isEqualTo(7);
        assertThat(o.getDouble("k", 0.5)).isCloseTo(0.5, within(0.0));
        assertThat(o.getDouble("k", 0.5, 0, 1)).isCloseTo(0.5, within(0.0));
        assertThat(o.getBoolean("k", true)).isTrue();
    }

    @Test
    void requiredKeysThatAreMissingNameOwnerAndKey() {
        Options o = options();
        assertRejected(() -> o.requireString("name"), "option 'name' is required");
        assertRejected(() -> o.requireInt("units"), "option 'units' is required (an integer)");
    }

    @Test
    void rangedDoubleIncludesItsBounds() {
        assertThat(options("p", "0").getDouble("p", 0.5, 0, 1)).isCloseTo(0, within(0.0));
        assertThat(options("p", "1").getDouble("p", 0.5, 0, 1)).isCloseTo(1, within(0.0));
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("getInt", "ten", o -> o.getInt("k", 1), "must be an integer, got 'ten'"),
                bad("requireInt", "ten", o -> o.requireInt("k"), "must be an integer, got 'ten'"),
                bad("getPositiveInt", "ten", o -> o.getPositiveInt("k", 1), "must be an integer, got 'ten'"),
                bad("getInt", "2.5", o -> o.getInt("k", 1), "must be an integer, got '2.5'"),
                bad("getPositiveInt", "0", o -> o.getPositiveInt("k", 1), "must be a positive integer, got 0"),
                bad("getPositiveInt", "-4", o -> o.getPositiveInt("k", 1), "must be a positive integer, got -4"),
                bad("getDouble", "fast", o -> o.getDouble("k", 0.1), "must be a number, got 'fast'"),
                bad("getDouble", "NaN", o -> o.getDouble("k", 0.1), "must be a finite number, got 'NaN'"),
                bad("getDouble", "-Infinity", o -> o.getDouble("k", 0.1), "must be a finite number, got '-Infinity'"),
                bad("getDouble in [0, 1]", "1.5", o -> o.getDouble("k", 0.5, 0, 1), "must be between 0.0 and 1.0, got 1.5"),
                bad("getDouble in [0, 1]", "-0.1", o -> o.getDouble("k", 0.5, 0, 1), "must be between 0.0 and 1.0, got -0.1"),
                bad("getBoolean", "yes", o -> o.getBoolean("k", true), "must be true or false, got 'yes'"),
                bad("requireString", "  ", o -> o.requireString("k"), "is required"));
    }

    private static Arguments bad(String read, String value, Function<Options, Object> call, String message) {
        return arguments(read, value, call, message);
    }

    @ParameterizedTest(name = "{0} of ''{1}''")
    @MethodSource("badValues")
    void badValueIsRejectedNamingOwnerAndKey(String read, String value, Function<Options, Object> call, String message) {
        assertRejected(() -> call.apply(options("k", value)), "option 'k' " + message);
    }

    @Test
    void allUsedPassesWhenEveryKeyWasRead() {
        Options o = options("units", "10", "bias", "true", "init", "he");
        o.getInt("units", 1);
        o.has("bias");
        o.getString("init", "zeros");
        assertThatCode(o::requireAllUsed).doesNotThrowAnyException();
    }

    @Test
    void allUsedPassesWithNoValuesEvenWhenNothingWasRead() {
        assertThatCode(options()::requireAllUsed).doesNotThrowAnyException();
    }

    @Test
    void unusedOptionIsRejectedWithTheKnownOnes() {
        Options o = options("unit", "10");
        o.getInt("units", 1);
        assertRejected(o::requireAllUsed,
                "unknown option 'unit' (did you mean 'units'?); known options: units");
    }

    @Test
    void unusedOptionFarFromAnyKnownOneGetsNoSuggestion() {
        Options o = options("units", "10", "momentum", "0.9");
        o.getInt("units", 1);
        o.getString("init", "he");
        assertRejected(o::requireAllUsed,
                "unknown option 'momentum'; known options: init, units");
    }

    @Test
    void unusedOptionOfAnOwnerThatReadNothingSaysItTakesNone() {
        Options o = options("units", "10");
        assertRejected(o::requireAllUsed,
                "unknown option 'units'; it takes no options");
    }

    @Test
    void allUsedNamesTheFirstUnusedKeyInConfigOrder() {
        Options o = options("zeta", "1", "alpha", "2");
        assertThatThrownBy(o::requireAllUsed).hasMessageContaining("unknown option 'zeta'");
    }

    @Test
    void errorNamesOwnerAndKey() {
        SinapseException e = options().error("units", "must be even");
        assertThat(e).hasMessage("layer 'h' (dense): option 'units' must be even");
    }
}
