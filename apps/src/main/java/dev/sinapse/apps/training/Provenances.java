package dev.sinapse.apps.training;

import dev.sinapse.apps.cli.Main;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.proto.Provenance;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Where a model came from: versions, machine, time, and the training data's digest. */
public final class Provenances {
    private Provenances() {
    }

    public static Provenance of(Experiments.Loaded l, String dataSha256, Experiments.Split split) {
        Path p = Experiments.dataPath(l);
        return here().toBuilder()
                .setDataSha256(dataSha256)
                .setTrainRows(split.train().size())
                .setDevRows(split.dev().size())
                .setDataSource(p == null ? Experiments.BUNDLED_DATA_NAME : p.toString())
                .build();
    }

    /** This Sinapse, Java and machine, now: the provenance of a model made without training data (import). */
    public static Provenance here() {
        return Provenance.newBuilder()
                .setSinapseVersion(Main.version())
                .setJavaVersion(System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")")
                .setOs(System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"))
                .setCreatedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .build();
    }
}
