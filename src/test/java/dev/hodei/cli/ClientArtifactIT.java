package dev.hodei.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client artifact the build makes: no server class in it, and its class archive usable by this JVM. */
class ClientArtifactIT {

    private static final Path JAR = Path.of("target", "hodei-cli.jar");

    @Test
    void theClientJarHoldsNoServerFrameworkOrServerClass() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> classes = jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).toList();
            assertThat(classes).as("the CLI itself and the wire contract are in it")
                    .contains("dev/hodei/cli/HodeiCli.class", "hodei/v1/JobServiceGrpc.class");
            assertThat(classes).as("no server code and no server framework")
                    .noneMatch(n -> n.startsWith("dev/hodei/") && !n.startsWith("dev/hodei/cli/") && !n.startsWith("dev/hodei/files/"))
                    .noneMatch(n -> n.startsWith("org/springframework/"))
                    .noneMatch(n -> n.startsWith("org/apache/camel/"))
                    .noneMatch(n -> n.startsWith("org/postgresql/"))
                    .noneMatch(n -> n.startsWith("io/fabric8/"))
                    .noneMatch(n -> n.startsWith("com/github/dockerjava/"));
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.hodei.cli.HodeiCli");
        }
    }

    @Test
    void theClassArchiveMapsAndTheHelpNamesTheServerCommandsToo() throws Exception {
        // -Xshare:on refuses to start when the archive does not match this JVM and jar
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:on",
                "-XX:SharedArchiveFile=" + Path.of("target", "hodei-cli.jsa"), "-Xlog:class+load=info", "-jar", JAR.toString(),
                "--help")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("run ", "job ", "template ", "server ", "demo ", "tls ");
        // picocli's classes are of an old class-file version, which a dynamic archive of JDK 17 leaves out
        assertThat(out).contains("picocli.CommandLine source: shared objects file", "dev.hodei.cli.HodeiCli source: shared objects file");
    }

    @Test
    void aServerSideCommandRunsFromTheServerJarBesideIt(@TempDir Path dir) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toString(), "tls", "init", "--dir", dir.toString(), "--host", "localhost")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(dir.resolve("ca.pem")).as(out).isRegularFile();
    }
}
