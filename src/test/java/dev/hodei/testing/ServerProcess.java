package dev.hodei.testing;

import static org.awaitility.Awaitility.await;

import hodei.v1.GetJobRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The packaged control plane ({@code target/hodei.jar server}) as a separate process, so a test
 * can SIGKILL it and start it again on the same data and port.
 */
public final class ServerProcess implements AutoCloseable {

    private final Path home;
    private final int grpcPort;
    private final List<String> extraArgs;
    private final List<Process> started = new ArrayList<>();
    private Process current;

    public ServerProcess(List<String> extraArgs) throws IOException {
        this.home = Files.createDirectories(Path.of("target", "test-home", "server-" + UUID.randomUUID()))
                .toAbsolutePath();
        try (ServerSocket s = new ServerSocket(0)) {
            this.grpcPort = s.getLocalPort();
        }
        this.extraArgs = new ArrayList<>(extraArgs);
    }

    /**
     * Replicas of one control plane on the database {@code shared} names: each one's local agents
     * are given every replica's address, so they resume on another when theirs is lost.
     */
    public static List<ServerProcess> replicas(int n, List<String> shared) throws IOException {
        List<ServerProcess> replicas = new ArrayList<>();
        for (int i = 0; i < n; i++) replicas.add(new ServerProcess(shared));
        String addresses = String.join(",", replicas.stream().map(r -> "127.0.0.1:" + r.grpcPort()).toList());
        for (int i = 0; i < n; i++) {
            replicas.get(i).extraArgs.add("--hodei.providers.process.server-address=" + addresses);
            replicas.get(i).extraArgs.add("--hodei.replicas.name=replica-" + (char) ('a' + i));
        }
        return replicas;
    }

    public int grpcPort() {
        return grpcPort;
    }

    public Path home() {
        return home;
    }

    /** The server as {@code ./hodei server} starts it: extracted, with its class archive, when the build made them. */
    private static List<String> serverJar() {
        Path extracted = Path.of("target", "server").toAbsolutePath();
        if (Files.isRegularFile(extracted.resolve("hodei.jsa"))) {
            return List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + extracted.resolve("hodei.jsa"), "-Xlog:cds=off",
                    "-Xlog:cds+dynamic=off", "-jar", extracted.resolve("hodei.jar").toString());
        }
        return List.of("-jar", Path.of("target", "hodei.jar").toAbsolutePath().toString());
    }

    /**
     * Starts the server and waits until it answers gRPC calls and has finished starting (gRPC
     * listens before the Camel routes run).
     */
    public ServerProcess start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the test JVM's temporary directory (under target/ in the build): a SIGKILLed server's files stay there
        List<String> cmd = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
        cmd.addAll(serverJar());
        cmd.addAll(List.of("server", "--home", home.toString(), "--grpc-port", Integer.toString(grpcPort), "--http-port", "0"));
        cmd.addAll(extraArgs);
        File log = home.resolve("server-" + started.size() + ".log").toFile();
        current = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        started.add(current);
        await("admin token written in " + home).atMost(Duration.ofSeconds(90)).until(() -> {
            if (!current.isAlive()) throw new AssertionError("server exited; see " + log);
            return Files.isRegularFile(home.resolve("admin.token"));
        });
        TestTokens.register(grpcPort, Files.readString(home.resolve("admin.token")).strip());
        try (TestClient client = new TestClient(grpcPort)) {
            await("server answering on " + grpcPort).atMost(Duration.ofSeconds(90)).until(() -> {
                if (!current.isAlive()) throw new AssertionError("server exited; see " + log);
                try {
                    client.jobs().getJob(GetJobRequest.newBuilder().setId(UUID.randomUUID().toString()).build());
                    return true;
                } catch (StatusRuntimeException e) {
                    return e.getStatus().getCode() == Status.Code.NOT_FOUND;
                }
            });
            await("server started").atMost(Duration.ofSeconds(90)).until(() -> {
                try {
                    return Files.readString(log.toPath()).contains("Started HodeiMain");
                } catch (IOException e) {
                    return false;
                }
            });
        }
        return this;
    }

    /** SIGTERM, as an operator stops it, and waits for it to exit. */
    public void stop() throws InterruptedException {
        current.destroy();
        if (!current.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("server did not stop within 60 s");
    }

    /** Everything every start of this server logged, in order. */
    public String logs() throws IOException {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < started.size(); i++) all.append(Files.readString(home.resolve("server-" + i + ".log")));
        return all.toString();
    }

    /** The lines of {@link #logs()} that name any of {@code needles} (a job's id, its worker's): what a failure report needs. */
    public String linesNaming(String... needles) throws IOException {
        return logs().lines().filter(l -> java.util.Arrays.stream(needles).anyMatch(n -> !n.isEmpty() && l.contains(n)))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** SIGSTOP: the server freezes, its connections stay open (a hung replica). */
    public void freeze() throws Exception {
        Process p = new ProcessBuilder("kill", "-STOP", Long.toString(current.pid())).inheritIO().start();
        if (p.waitFor() != 0) throw new AssertionError("kill -STOP " + current.pid() + " failed");
    }

    /** SIGKILL: no shutdown hook runs, its embedded PostgreSQL and its workers stay behind. */
    public void kill() throws InterruptedException {
        current.destroyForcibly().waitFor();
    }

    /** Stops every server started (SIGTERM, a clean shutdown) and checks nothing of them is left. */
    @Override
    public void close() throws Exception {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        try {
            await("no process left on " + home).atMost(Duration.ofSeconds(20)).until(() -> leftOn(home).isEmpty());
        } finally {
            // a failed check still leaves the machine clean (its PostgreSQL, say)
            leftOn(home).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Processes naming the home, or working in it (the agents its servers started: their workspaces). */
    private static java.util.List<ProcessHandle> leftOn(Path home) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(home.toString())
                || workingIn(p, home)).toList();
    }

    private static boolean workingIn(ProcessHandle p, Path home) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).startsWith(home);
        } catch (IOException | RuntimeException e) {
            return false; // gone, or not ours to read
        }
    }
}
