package dev.sinapse.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinapse.api.SinapseException;
import dev.sinapse.apps.PluginPath;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plug-ins found on the plug-in path, without {@code -cp}: a plug-in jar is compiled and packed here, at test time,
 * so its classes are on no class path, and the command line is pointed at it with {@code --plugins}. Without it, a
 * checkpoint that needs the plug-in is refused with one line naming the kind and key, the installed types and
 * where plug-ins come from.
 */
class PluginPathTest {
    /** softsign, a = z / (1 + |z|), a' = 1 / (1 + |z|)²: an activation with a package-private factory, as plug-ins write them. */
    private static final String SOURCE = """
            package test.softsign;

            import com.google.inject.AbstractModule;
            import com.google.inject.multibindings.MapBinder;
            import dev.sinapse.api.Activation;
            import dev.sinapse.api.ActivationFactory;
            import dev.sinapse.api.Options;

            public final class SoftsignModule extends AbstractModule {
                @Override
                protected void configure() {
                    MapBinder.newMapBinder(binder(), String.class, ActivationFactory.class).addBinding("softsign").to(Factory.class);
                }

                static final class Factory implements ActivationFactory {
                    public Activation create(Options options) {
                        return new Activation() {
                            public float apply(float z) { return z / (1 + Math.abs(z)); }
                            public float derivative(float z, float a) { float d = 1 + Math.abs(z); return 1 / (d * d); }
                        };
                    }
                    public String help() { return "softsign, z / (1 + |z|) (a plug-in jar)"; }
                }
            }
            """;

    @TempDir
    static Path tmp;
    static Path pluginDir;
    static Path config;

    @BeforeAll
    static void buildThePluginJar() throws IOException {
        Path src = tmp.resolve("src/test/softsign/SoftsignModule.java"), classes = tmp.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, SOURCE);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int code = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"), src.toString());
        assertThat(code).as("javac of the plug-in").isZero();

        pluginDir = Files.createDirectories(tmp.resolve("plugs"));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(pluginDir.resolve("softsign.jar")));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                put(jar, classes.relativize(f).toString().replace(File.separatorChar, '/'), Files.readAllBytes(f));
            }
            put(jar, "META-INF/services/com.google.inject.Module", "test.softsign.SoftsignModule\n".getBytes(StandardCharsets.UTF_8));
        }
        config = Cli.config(tmp, "softsign", Cli.smallCsv(tmp, 300), "layers { name: \"act\" type: \"softsign\" }", """
                optimizer { type: "adam" learning_rate: 0.01 }
                training { epochs: 1 batch_size: 50 }
                """);
    }

    @Test
    void thePluginIsOnNoClassPath() {
        assertThatThrownBy(() -> Class.forName("test.softsign.SoftsignModule")).isInstanceOf(ClassNotFoundException.class);
        assertThat(Cli.run("layers").out()).doesNotContain("softsign");
    }

    @Test
    void layersListsTheTypesOfTheJarsInThePluginsDirectory() {
        Cli.Result r = Cli.run("layers", "--plugins", pluginDir.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^  softsign\\b.*a plug-in jar");
    }

    @Test
    void aJarNamedItselfIsLoadedToo() {
        Cli.Result r = Cli.run("layers", "--plugins", pluginDir.resolve("softsign.jar").toString());

        assertThat(r.out()).contains("softsign");
    }

    @Test
    void aCheckpointThatNeedsThePluginLoadsWithItAndIsRefusedWithoutItInOneLine() {
        Path run = tmp.resolve("run");
        Cli.train(config, run, "--plugins", pluginDir.toString());
        String ckpt = run.resolve("last.ckpt").toString();

        Cli.Result without = Cli.run("evaluate", "--checkpoint", ckpt);
        Cli.Result with = Cli.run("evaluate", "--checkpoint", ckpt, "--plugins", pluginDir.toString());

        assertThat(without.code()).isEqualTo(2);
        assertThat(without.out()).isEmpty();
        assertThat(without.err().lines()).hasSize(1);
        assertThat(without.err()).startsWith("error: " + ckpt + ": network.layers[1].type: unknown layer or activation 'softsign'; "
                        + "installed: ").contains("dense, ").contains("relu, ")
                .endsWith("; plug-ins come from jars on the plug-in path (--plugins DIR, SINAPSE_PLUGINS or ./plugins); loaded: none"
                        + System.lineSeparator());
        assertThat(with.code()).as(with.err()).isZero();
        assertThat(with.out()).contains("accuracy");
    }

    @Test
    void aConfigNamingATypeNoJarHasSaysWhichJarsWereLoaded() {
        Cli.Result r = Cli.run("train", "--config", config.toString(), "--out", tmp.resolve("typo").toString(), "--plugins",
                pluginDir.toString(), "--set", "network.layers[act].type=softsine");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains("unknown layer or activation 'softsine' (did you mean 'softsign'?)")
                .contains("; loaded: softsign.jar");
    }

    @Test
    void aMissingPluginsDirectoryIsAUserErrorInOneLine() {
        Cli.Result r = Cli.run("layers", "--plugins", tmp.resolve("nowhere").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().trim()).isEqualTo("error: --plugins " + tmp.resolve("nowhere") + ": no such directory or .jar file ("
                + tmp.resolve("nowhere").toAbsolutePath().normalize() + ")");
    }

    @Test
    void thePathIsTheNamedDirectoriesThenTheEnvironmentThenPluginsInTheWorkingDirectory() throws IOException {
        Path cwd = Files.createDirectories(tmp.resolve("cwd"));
        Path a = jarIn(cwd.resolve("a"), "x.jar"), b = jarIn(cwd.resolve("b"), "y.jar"), c = jarIn(cwd.resolve("plugins"), "z.jar");
        jarIn(cwd.resolve("a"), "w.jar");
        Files.writeString(cwd.resolve("a/notes.txt"), "not a jar");

        PluginPath path = PluginPath.resolve(List.of(Path.of("a")), Map.of(PluginPath.ENV, "b" + File.pathSeparator + "a"), cwd);

        // a directory gives its jars by name; a jar met twice is loaded once, where it was first named
        assertThat(path.jars()).containsExactly(a.resolveSibling("w.jar"), a, b, c);
        assertThat(PluginPath.resolve(List.of(), Map.of(), tmp.resolve("classes")).jars()).as("no ./plugins: nothing").isEmpty();
        assertThatThrownBy(() -> PluginPath.resolve(List.of(), Map.of(PluginPath.ENV, "gone"), cwd))
                .isInstanceOf(SinapseException.class).hasMessageStartingWith("SINAPSE_PLUGINS entry 'gone': no such directory");
    }

    private static Path jarIn(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, "empty.txt", new byte[0]);
        }
        return jar.toAbsolutePath().normalize();
    }

    private static void put(JarOutputStream jar, String name, byte[] bytes) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        OutputStream out = jar;
        out.write(bytes);
        jar.closeEntry();
    }
}
