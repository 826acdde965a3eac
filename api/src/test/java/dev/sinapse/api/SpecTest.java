package dev.sinapse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecTest {
    private static final String WHERE = "layer 'h' (dense): option 'init'";

    /** Parsing {@code text} fails with a SinapseException whose message is WHERE + ": " + message. */
    private static void assertRejected(String text, String message) {
        assertThatThrownBy(() -> Spec.parse(text, WHERE))
                .isInstanceOf(SinapseException.class)
                .hasMessage(WHERE + ": " + message);
    }

    @Test
    void bareNameHasNoOptions() {
        Spec s = Spec.parse("  he ", WHERE);
        assertThat(s.type()).isEqualTo("he");
        assertThat(s.options().asMap()).isEmpty();
        assertThat(s.options().where()).isEqualTo("layer 'h' (dense): option 'init' 'he'");
    }

    @Test
    void specParsesNameAndOptions() {
        Spec s = Spec.parse(" uniform(low=-0.5, high = 0.5) ", WHERE);
        assertThat(s.type()).isEqualTo("uniform");
        assertThat(s.options().asMap()).containsExactly(Map.entry("low", "-0.5"), Map.entry("high", "0.5"));
        assertThat(s.options().getDouble("low", 0)).isCloseTo(-0.5, within(0.0));
        assertThat(s.options().getDouble("high", 0)).isCloseTo(0.5, within(0.0));
    }

    @Test
    void emptyParenthesesMeanNoOptions() {
        Spec s = Spec.parse("xavier( )", WHERE);
        assertThat(s.type()).isEqualTo("xavier");
        assertThat(s.options().asMap()).isEmpty();
    }

    @Test
    void typeNamesMayHoldDigitsDotsDashesAndUnderscores() {
        assertThat(Spec.parse("he_normal.v2-b(gain=2)", WHERE).type()).isEqualTo("he_normal.v2-b");
    }

    @Test
    void optionErrorsNameTheFieldAndTheType() {
        Spec s = Spec.parse("uniform(low=x)", WHERE);
        assertThatThrownBy(() -> s.options().getDouble("low", 0))
                .isInstanceOf(SinapseException.class)
                .hasMessage("layer 'h' (dense): option 'init' 'uniform': option 'low' must be a number, got 'x'");
    }

    @Test
    void missingCloseParenthesisIsNamed() {
        assertRejected("uniform(low", "expected name(key=value, ...), got 'uniform(low' (missing ')')");
    }

    @Test
    void partWithoutKeyOrEqualsSignIsRejected() {
        assertRejected("uniform(low, high=1)", "expected key=value inside 'uniform(low, high=1)', got 'low'");
        assertRejected("uniform(=1)", "expected key=value inside 'uniform(=1)', got '=1'");
    }

    @Test
    void emptyPartBetweenCommasIsRejected() {
        assertRejected("uniform(low=1,,high=2)", "expected key=value inside 'uniform(low=1,,high=2)', got ''");
    }

    @Test
    void trailingCommaIsTolerated() {
        // String.split drops trailing empty parts, so unlike ",," inside, a trailing "," passes
        assertThat(Spec.parse("uniform(low=1,)", WHERE).options().asMap()).containsExactly(Map.entry("low", "1"));
    }

    @Test
    void badTypeNameIsRejectedWithAnExample() {
        String expected = "expected a type name like 'he' or 'uniform(low=-0.5, high=0.5)', got '";
        assertRejected("", expected + "'");
        assertRejected("2he", expected + "2he'");
        assertRejected("(low=1)", expected + "(low=1)'");
        assertRejected("he normal", expected + "he normal'");
    }
}
