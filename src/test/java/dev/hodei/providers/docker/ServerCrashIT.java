package dev.hodei.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.testing.Docker;
import dev.hodei.testing.Eventually;
import dev.hodei.testing.TestClient;
import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The control plane is killed with SIGKILL while a job runs in a container, then started again
 * on the same data: the GC removes the container the dead server left, and the job ends saying why.
 */
class ServerCrashIT {

    Path home;
    int grpcPort;
    final List<Process> servers = new ArrayList<>();
    String instanceId;

    @BeforeEach
    void setUp() throws IOException {
        Docker.require();
        home = Files.createDirectories(Path.of("target", "test-home", "crash-" + UUID.randomUUID())).toAbsolutePath();
        try (ServerSocket s = new ServerSocket(0)) {
            grpcPort = s.getLocalPort();
        }
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : servers) {
            p.destroy(); // SIGTERM: a clean shutdown stops the embedded PostgreSQL too
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
        }
        if (instanceId != null) Docker.removeAll(Docker.managedContainers(instanceId));
        // nothing may outlive the test: PostgreSQL of either server included
        Eventually.within(Duration.ofSeconds(20), "no process left on " + home, () -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().commandLine().orElse("").contains(home.toString())));
    }

    @Test
    void aKilledServerIsRestartedAndTheGcRemovesTheContainerItLeft() throws Exception {
        Process first = startServer();
        try (TestClient client = new TestClient(grpcPort)) {
            awaitUp(client);
            Job job = client.submit(JobSpec.newBuilder().setShell("sleep 300").setProvider("docker").setMaxAttempts(1).build());
            Eventually.within(Duration.ofSeconds(30), "job running",
                    () -> client.get(job.getId()).getState() == JobState.JOB_STATE_RUNNING);
            String container = Docker.run("ps", "-q", "--no-trunc", "--filter", "label=hodei.job-id=" + job.getId());
            assertThat(container).hasSize(64);
            instanceId = Docker.run("inspect", "-f", "{{index .Config.Labels \"hodei.instance\"}}", container);

            first.destroyForcibly().waitFor();
            // A container no database row knows, as a crash between create and insert could leave.
            String orphan = Docker.run("create", "--network", "host", "--label", "hodei.managed=true",
                    "--label", "hodei.instance=" + instanceId, "--label", "hodei.worker-id=" + UUID.randomUUID(),
                    "--entrypoint", "sleep", Docker.AGENT_IMAGE, "600");

            startServer();
            awaitUp(client);
            Job done = client.awaitEnd(job.getId());

            assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
            assertThat(done.getFailureReason()).startsWith("WORKER_LOST");
            Eventually.within(Duration.ofSeconds(20), "the dead server's container and the orphan removed",
                    () -> Docker.managedContainers(instanceId).isEmpty());
            assertThat(Docker.run("ps", "-aq", "--no-trunc")).doesNotContain(container).doesNotContain(orphan);
        }
    }

    private Process startServer() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        File log = home.resolve("server-" + servers.size() + ".log").toFile();
        Process p = new ProcessBuilder(java, "-jar", Path.of("target", "hodei.jar").toAbsolutePath().toString(),
                "server", "--home", home.toString(), "--grpc-port", Integer.toString(grpcPort), "--http-port", "0",
                "--hodei.workers.heartbeat-interval=300ms", "--hodei.workers.lost-after=3s",
                "--hodei.workers.gc-interval-ms=1000")
                .redirectErrorStream(true).redirectOutput(log).start();
        servers.add(p);
        return p;
    }

    private static void awaitUp(TestClient client) {
        Eventually.within(Duration.ofSeconds(90), "server answering", () -> {
            try {
                client.jobs().getJob(GetJobRequest.newBuilder().setId(UUID.randomUUID().toString()).build());
                return true;
            } catch (StatusRuntimeException e) {
                return e.getStatus().getCode() == Status.Code.NOT_FOUND;
            }
        });
    }
}
