package dev.sinapse.io.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sinapse.io.proto.Experiment;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void integersPrintAsJsonIntegersAndDecimalsAsDecimals() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("step", 480L);
        o.put("shape", List.of(10, 784));
        o.put("big", new BigInteger("18446744073709551615"));
        o.put("rate", 0.1);
        o.put("small", 1e-5f);
        o.put("whole", 2.0);

        String text = Json.write(o);

        JsonObject json = JsonParser.parseString(text).getAsJsonObject();
        // Gson keeps each number's token as written
        assertThat(json.get("step").getAsNumber().toString()).isEqualTo("480");
        assertThat(json.get("shape").getAsJsonArray().get(1).getAsNumber().toString()).isEqualTo("784");
        assertThat(json.get("big").getAsNumber().toString()).isEqualTo("18446744073709551615");
        assertThat(json.get("rate").getAsDouble()).isEqualTo(0.1);
        assertThat(json.get("small").getAsFloat()).isEqualTo(1e-5f);
        assertThat(json.get("whole").getAsDouble()).isEqualTo(2.0);
        assertThat(text).contains("\"shape\": [10, 784]");
    }

    @Test
    void stringsAreEscapedAndNonFiniteNumbersAreStrings() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("path", "C:\\runs\\\"x\"\n\t\u0001é");
        o.put("loss", Double.NaN);
        o.put("up", Float.POSITIVE_INFINITY);
        o.put("none", null);
        o.put("empty", List.of());
        o.put("nothing", Map.of());

        JsonObject json = JsonParser.parseString(Json.write(o)).getAsJsonObject();

        assertThat(json.get("path").getAsString()).isEqualTo("C:\\runs\\\"x\"\n\t\u0001é");
        assertThat(json.get("loss").getAsString()).isEqualTo("NaN");
        assertThat(json.get("up").getAsString()).isEqualTo("Infinity");
        assertThat(json.get("none").isJsonNull()).isTrue();
        assertThat(json.get("empty").getAsJsonArray()).isEmpty();
        assertThat(json.get("nothing").getAsJsonObject().size()).isZero();
    }

    /** The config of inspect --json is a JSON config file: it reads back as the same experiment. */
    @Test
    void anExperimentPrintsAsAJsonConfigThatReadsBackEqual() {
        Experiment e = ConfigFiles.withDefaults(ConfigFiles.parseText(ConfigFilesTest.TEXT, "exp.textproto")).toBuilder()
                .setTraining(ConfigFiles.withDefaults(ConfigFiles.parseText(ConfigFilesTest.TEXT, "exp.textproto"))
                        .getTraining().toBuilder().setSeed(-1L))   // uint64 2^64 - 1
                .build();

        String text = Json.write(Json.of(e));

        assertThat(ConfigFiles.parseJson(text, "printed.json")).isEqualTo(e);
        JsonObject json = JsonParser.parseString(text).getAsJsonObject();
        JsonObject training = json.getAsJsonObject("training");
        assertThat(training.get("epochs").getAsNumber().toString()).isEqualTo("500");
        assertThat(training.get("seed").getAsNumber().toString()).isEqualTo("18446744073709551615");
        assertThat(json.getAsJsonObject("data").get("shuffle_seed").getAsNumber().toString()).isEqualTo("3");
        JsonElement options = json.getAsJsonObject("network").getAsJsonArray("layers").get(0).getAsJsonObject().get("options");
        assertThat(options.getAsJsonObject().get("units").getAsString()).isEqualTo("10");
        assertThat(text).doesNotContain("learningRate").contains("\"learning_rate\": 0.01");
    }
}
