package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.cli.BenchCommand;
import dev.sinapse.apps.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
        /** The key=value pairs of the last line, which must start with "bench: ". */
        Map<String, String> last() {
            String[] lines = out.strip().split("\n");
            String line = lines[lines.length - 1];
            assertThat(line).startsWith("bench: ms_per_iter=");
            Map<String, String> kv = new LinkedHashMap<>();
            for (String part : line.substring("bench: ".length()).split(" ")) {
                String[] p = part.split("=", 2);
                kv.put(p[0], p[1]);
            }
            return kv;
        }
    }

    /** The command on its own (the lead registers it in Main), with Main's one-line handling of user errors. */
    private static Run bench(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.write("error: " + e.getMessage());
            return e instanceof SinapseException ? Main.USER_ERROR : Main.INTERNAL_ERROR;
        });
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    private Path config() throws Exception {
        return Cli.articleConfig(tmp, Cli.smallCsv(tmp, 600), "bench-small", "");
    }

    @Test
    void fullBatchRunUsesTheFusedKernelAndEndsWithAParsableLine() throws Exception {
        Run r = bench("--config", config().toString(), "--iterations", "3", "--warmup", "1", "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, String> kv = r.last();
        assertThat(kv).containsKeys("ms_per_iter", "samples_per_s", "threads", "load_s", "peak_heap_mb", "gflops");
        // the Vector API version of the fused kernel where this JVM has the module and the CPU the vectors
        assertThat(kv.get("kernel")).isIn("fused", "fused-vector");
        assertThat(kv).containsEntry("threads", "2").containsEntry("batch", "full")
                .containsEntry("steps", "4");
        assertThat(Double.parseDouble(kv.get("ms_per_iter"))).isPositive();
        // 400 training rows per iteration: samples/s = 400 / (ms / 1000), up to the printed rounding
        double expected = 400 / (Double.parseDouble(kv.get("ms_per_iter")) / 1000);
        assertThat(Double.parseDouble(kv.get("samples_per_s"))).isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(Double.parseDouble(kv.get("peak_heap_mb"))).isPositive();
        assertThat(r.out()).contains("median").contains("GFLOP/s");
    }

    @Test
    void miniBatchIterationIsOneShuffledEpoch() throws Exception {
        Run r = bench("--config", config().toString(), "--iterations", "2", "--warmup", "1", "--threads", "1",
                "--batch-size", "32");
        assertThat(r.code()).as(r.err()).isZero();
        // 400 rows in batches of 32: 13 steps an epoch, 3 epochs
        assertThat(r.last()).containsEntry("batch", "32").containsEntry("steps", "39").containsEntry("threads", "1");
    }

    @Test
    void layerByLayerKernelCanBeChosen() throws Exception {
        Run r = bench("--config", config().toString(), "--iterations", "1", "--warmup", "0", "--kernel", "layers");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.last()).containsEntry("kernel", "layers");
    }

    @Test
    void unknownKernelIsAOneLineUserError() throws Exception {
        Run r = bench("--config", config().toString(), "--kernel", "gpu");
        assertThat(r.code()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains("--kernel").contains("gpu").doesNotContain("\n\tat ");
    }

    @Test
    void withoutADevSetItsAccuracyIsLeftOutNotPrintedAsNaN() throws Exception {
        Run r = bench("--config", config().toString(), "--iterations", "1", "--warmup", "0", "--set", "data.dev_rows=0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("NaN").doesNotContain("dev accuracy");
        assertThat(r.last()).containsKey("train_acc").doesNotContainKey("dev_acc");
    }
}
