package dev.sinapse.apps.training;

import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.cli.Main;
import dev.sinapse.io.config.Experiments;
import dev.sinapse.io.proto.Provenance;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/** Where a model came from: versions, machine, time, and the training data's digest. */
public final class Provenances {
    private Provenances() {
    }

    public static Provenance of(Experiments.Loaded l, String dataSha256, Experiments.Split split) {
        Path p = Experiments.dataPath(l);
        return Provenance.newBuilder()
                .setSinapseVersion(Main.version())
                .setJavaVersion(System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")")
                .setOs(System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"))
                .setCreatedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .setDataSha256(dataSha256)
                .setTrainRows(split.train().size())
                .setDevRows(split.dev().size())
                .setDataSource(p == null ? Experiments.BUNDLED_DATA_NAME : p.toString())
                .build();
    }

    /** SHA-256 (hex) of the data file's bytes as stored (compressed or not), or of the bundled sample. */
    public static String dataSha256(Experiments.Loaded l) {
        Path p = Experiments.dataPath(l);
        try (InputStream in = p == null ? Experiments.class.getResourceAsStream(Experiments.BUNDLED_DATA) : Files.newInputStream(p)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream d = new DigestInputStream(in, sha)) {
                d.transferTo(OutputStreamNull.INSTANCE);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new SinapseException((p == null ? Experiments.BUNDLED_DATA_NAME : p.toString()) + ": cannot read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
