package dev.hodei.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged client ({@code java -jar target/hodei-cli.jar ...}, with its class archive, as
 * {@code ./hodei} starts it) run as a user would, against a test's control plane.
 */
public final class CliProcess {

    public record Result(int exit, String out, String err) {}

    private final int grpcPort;
    private final Path home;

    /** {@code home}: the control plane's, where the CLI finds the local admin token as a user's would. */
    public CliProcess(int grpcPort, Path home) {
        this.grpcPort = grpcPort;
        this.home = home.toAbsolutePath();
    }

    public Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-XX:SharedArchiveFile=" + Path.of("target", "hodei-cli.jsa"), "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "-jar", Path.of("target", "hodei-cli.jar").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HODEI_SERVER", "127.0.0.1:" + grpcPort);
        pb.environment().put("HODEI_HOME", home.toString());
        pb.environment().remove("HODEI_TOKEN");
        pb.environment().put("HODEI_CONFIG", home.resolve("no-such-config.yaml").toString());
        Path err = Files.createTempFile("hodei-cli", ".err");
        try {
            Process p = pb.redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("hodei " + String.join(" ", args) + " did not end");
            }
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
