package dev.sinapse.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.Rng;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.config.ConfigFiles;
import dev.sinapse.io.config.Overrides;
import dev.sinapse.io.data.KaggleCsv;
import dev.sinapse.io.proto.Experiment;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random and mutated input to the readers: the only outcomes allowed are a result or a SinapseException (a
 * one-line message for the user), never another exception escaping as a stack trace.
 */
class ReadersFuzzTest {
    private static final byte[] CSV = ("label,pixel0,pixel1,pixel2\n7,0,255,12\n0,3,4,5\r\n\n9,1,1,1\n")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] CSV_GZ = GzipBytes.of(CSV);
    private static final String TEXT = """
            name: "fuzz"
            data { path: "train.csv" dev_rows: 10 }
            network { layers { type: "dense" name: "h" options { key: "units" value: "10" } } }
            optimizer { type: "adam" learning_rate: 0.01 }
            training { epochs: 5 early_stopping { patience: 2 restore_best: false } }
            """;
    private static final String JSON = ConfigFiles.toJson(ConfigFiles.parseText(TEXT, "seed"));

    /** Either a value or a SinapseException with a one-line message. */
    private static void onlyResultOrSinapseException(Supplier<Object> read) {
        try {
            assertThat(read.get()).isNotNull();
        } catch (SinapseException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        }
    }

    @Property(tries = 2000, seed = "42")
    void csvReaderOnlyReturnsOrRaisesSinapseException(@ForAll("csvInputs") byte[] input) {
        onlyResultOrSinapseException(() -> KaggleCsv.read(new ByteArrayInputStream(input), "fuzz.csv", "label"));
    }

    @Property(tries = 2000, seed = "42")
    void textConfigParserOnlyReturnsOrRaisesSinapseException(@ForAll("textInputs") String input) {
        onlyResultOrSinapseException(() -> ConfigFiles.parseText(input, "fuzz.textproto"));
    }

    @Property(tries = 2000, seed = "42")
    void jsonConfigParserOnlyReturnsOrRaisesSinapseException(@ForAll("jsonInputs") String input) {
        onlyResultOrSinapseException(() -> ConfigFiles.parseJson(input, "fuzz.json"));
    }

    @Property(tries = 1000, seed = "42")
    void overridesOnlyReturnOrRaiseSinapseException(@ForAll("assignments") String assignment) {
        Experiment base = ConfigFiles.parseText(TEXT, "seed");
        onlyResultOrSinapseException(() -> Overrides.apply(base, List.of(assignment)));
    }

    @Provide
    Arbitrary<byte[]> csvInputs() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                mutationsOf(CSV),
                mutationsOf(CSV_GZ));
    }

    @Provide
    Arbitrary<String> textInputs() {
        return stringsAround(TEXT, "{}[]<>:;,\"'#\\ \n\tabcdefgnrt_0123456789.-e");
    }

    @Provide
    Arbitrary<String> jsonInputs() {
        return stringsAround(JSON, "{}[]:,\"\\ \nabcdefgnrtlsu_0123456789.-eE+");
    }

    /** Any short string, a short string of the format's own characters, or {@code seed} mutated. */
    private static Arbitrary<String> stringsAround(String seed, String alphabet) {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withChars(alphabet).ofMaxLength(200),
                mutationsOf(seed.getBytes(StandardCharsets.UTF_8)).map(b -> new String(b, StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<String> assignments() {
        Arbitrary<String> path = Arbitraries.of("training.epochs", "optimizer.learning_rate", "data.shuffle_seed",
                "data.pixel_scale", "network.layers[0].options.units", "network.layers[h].name", "network.layers[9]",
                "optimizer.options.beta1", "training.early_stopping.restore_best", "network", "name",
                "training.early_stopping", "network.layers[", "network.layers[]", "a.b.c", "", ".", "[0]");
        Arbitrary<String> value = Arbitraries.strings().withChars("0123456789.-+eExtrufals[]=").ofMaxLength(25);
        return Arbitraries.oneOf(
                path.flatMap(p -> value.map(v -> p + "=" + v)),
                Arbitraries.strings().withChars("abcdeginoprstu_.[]=0123456789").ofMaxLength(40));
    }

    /** {@code seed} with a few bytes flipped, inserted or deleted, or cut short. */
    private static Arbitrary<byte[]> mutationsOf(byte[] seed) {
        return Arbitraries.longs().map(s -> mutate(seed, new Rng(s)));
    }

    private static byte[] mutate(byte[] seed, Rng rng) {
        byte[] b = seed.clone();
        int edits = 1 + (int) (rng.nextDouble() * 4);
        for (int k = 0; k < edits && b.length > 0; k++) {
            int at = (int) (rng.nextDouble() * b.length);
            switch ((int) (rng.nextDouble() * 4)) {
                case 0 -> b[at] = (byte) rng.nextLong();
                case 1 -> b = Arrays.copyOf(b, at); // truncate
                case 2 -> { // insert
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) "0,\n\r\"{}:9-.".charAt((int) (rng.nextDouble() * 11));
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                default -> { // delete
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
            }
        }
        return b;
    }
}
