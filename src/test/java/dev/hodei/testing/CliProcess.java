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
        ProcessBuilder pb = command(args);
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

    /** A command that runs until stopped ({@code --watch}): its output line by line as it comes; close it to stop it. */
    public Running start(String... args) throws Exception {
        return new Running(command(args).redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }

    public static final class Running implements AutoCloseable {
        private final Process process;
        private final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        private Running(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) lines.add(line);
                } catch (java.io.IOException ended) {
                    // the process was stopped
                }
            }, "cli-output");
            reader.setDaemon(true);
            reader.start();
        }

        public List<String> lines() {
            return List.copyOf(lines);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }
    }

    /** {@code hodei} as the launcher runs it: the client jar with its class archive. */
    public static List<String> hodei() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:+UseSerialGC", "-Xshare:auto", "-XX:+UnlockDiagnosticVMOptions",
                "-XX:ArchiveRelocationMode=0",
                "-XX:SharedArchiveFile=" + Path.of("target", "hodei-cli.jsa").toAbsolutePath(), "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off", "-jar", Path.of("target", "hodei-cli.jar").toAbsolutePath().toString());
    }

    private ProcessBuilder command(String... args) {
        List<String> cmd = new ArrayList<>(hodei());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HODEI_SERVER", "127.0.0.1:" + grpcPort);
        pb.environment().put("HODEI_HOME", home.toString());
        pb.environment().remove("HODEI_TOKEN");
        pb.environment().put("HODEI_CONFIG", home.resolve("no-such-config.yaml").toString());
        return pb;
    }
}
