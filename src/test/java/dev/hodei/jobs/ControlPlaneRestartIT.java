package dev.hodei.jobs;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static dev.hodei.testing.JobSpecs.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.Agents;
import dev.hodei.testing.Docker;
import dev.hodei.testing.ServerProcess;
import dev.hodei.testing.TestClient;
import hodei.v1.Job;
import hodei.v1.JobEvent;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import hodei.v1.LogStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The control plane is killed with SIGKILL while a job runs, the job ends while it is down, and the
 * control plane is started again on the same data: the agent reconnects with its session, the job
 * completes, its output is whole and in order,
 * exactly one result is recorded, and nothing is leaked. On Docker, a container that no
 * database row knows (left by a crash) is removed by the GC.
 */
class ControlPlaneRestartIT {

    static final int LINES = 8;

    @ParameterizedTest
    @ValueSource(strings = {"process", "docker"})
    void aJobSurvivesAControlPlaneKilledMidRun(String provider) throws Exception {
        if (provider.equals("docker")) Docker.require();
        try (ServerProcess server = new ServerProcess(List.of("--hodei.workers.heartbeat-interval=300ms",
                "--hodei.workers.lost-after=5s", "--hodei.workers.gc-interval-ms=1000")).start();
             TestClient client = new TestClient(server.grpcPort())) {
            // the marker finds the job's shell among the machine's processes (a container's too)
            String marker = "restart-" + UUID.randomUUID();
            Job job = client.submit(
                    shell(": " + marker + "; for i in $(seq 1 " + LINES + "); do echo \"line $i\"; sleep 0.5; done")
                            .on(provider).attempts(1));
            await("first output stored").atMost(Duration.ofSeconds(30)).until(() -> !stdout(client, job.getId(), false).isEmpty());
            String workerId = client.get(job.getId()).getWorkerId();
            assertThat(shellsMarked(marker)).as("the job still running when the control plane is killed").isPositive();

            server.kill();
            String orphan = null;
            if (provider.equals("docker")) {
                String instance = Docker.run("inspect", "-f", "{{index .Config.Labels \"hodei.instance\"}}",
                        "hodei-worker-" + workerId);
                orphan = Docker.run("create", "--network", "host", "--label", "hodei.managed=true",
                        "--label", "hodei.instance=" + instance, "--label", "hodei.worker-id=" + UUID.randomUUID(),
                        "--entrypoint", "sleep", Docker.AGENT_IMAGE, "600");
            }
            // the job prints the rest of its lines and ends while nobody listens: its agent must keep them all
            await("the job's command ended").atMost(Duration.ofSeconds(30)).until(() -> shellsMarked(marker) == 0);
            server.start();
            Job done = client.awaitEnd(job.getId());

            assertThatJob(done).hasState(JobState.JOB_STATE_SUCCEEDED).hasAttempt(1);
            assertThat(stdout(client, job.getId(), true)).isEqualTo(IntStream.rangeClosed(1, LINES)
                    .mapToObj(i -> "line " + i + "\n").collect(Collectors.joining()));
            assertThat(client.events(job.getId())).filteredOn(e -> e.getToState().getNumber() >= JobState.JOB_STATE_SUCCEEDED_VALUE)
                    .extracting(JobEvent::getToState).containsExactly(JobState.JOB_STATE_SUCCEEDED);
            await("worker gone").atMost(Duration.ofSeconds(15)).until(() -> Agents.ofWorker(workerId).isEmpty()
                    && (!provider.equals("docker") || Docker.run("ps", "-aq", "--filter", "name=hodei-worker-" + workerId).isEmpty()));
            if (orphan != null) {
                String o = orphan;
                await("orphan container removed").atMost(Duration.ofSeconds(15)).until(
                        () -> !Docker.run("ps", "-aq", "--no-trunc").contains(o));
            }
        }
    }

    @Test
    void aWarmPoolSurvivesAControlPlaneKilledAndItsWorkerTakesTheNextJob() throws Exception {
        try (ServerProcess server = new ServerProcess(List.of("--hodei.workers.heartbeat-interval=300ms",
                "--hodei.workers.lost-after=5s", "--hodei.workers.gc-interval-ms=1000", "--hodei.pools.process.min-idle=1"))
                .start();
             TestClient client = new TestClient(server.grpcPort())) {
            String warm = await("a warm worker registered").atMost(Duration.ofSeconds(60))
                    .until(() -> registeredWarmWorkers(server), ids -> !ids.isEmpty()).get(0);
            // the server logs the registration as it queues the reply; killed before the agent read
            // it, the agent has no session and its one-time token is spent: wait for the agent's word
            Path agentLog = server.home().resolve("agent-logs").resolve(warm + ".log");
            await("the warm agent has its session").atMost(Duration.ofSeconds(30)).until(() ->
                    Files.isRegularFile(agentLog) && Files.readString(agentLog).contains("registered as worker " + warm));

            server.kill();
            assertThat(Agents.ofWorker(warm)).as("the warm agent outlives the killed control plane").isNotEmpty();
            server.start();
            await("the warm agent resumed its session").atMost(Duration.ofSeconds(60))
                    .until(() -> server.logs().contains("Warm worker " + warm + " registered (resumed)"));
            Job done = client.awaitEnd(client.submit(shell("echo warm")).getId());

            assertThatJob(done).hasState(JobState.JOB_STATE_SUCCEEDED).hasAttempt(1);
            assertThat(done.getWorkerId()).isEqualTo(warm);
            await("the warm worker destroyed after its job").atMost(Duration.ofSeconds(15))
                    .until(() -> Agents.ofWorker(warm).isEmpty());
            await("the pool refilled").atMost(Duration.ofSeconds(60))
                    .until(() -> registeredWarmWorkers(server).size() > 1);
            server.stop();
            // a clean stop destroys the idle warm workers: nothing waits for a server that is gone
            await("no warm agent left").atMost(Duration.ofSeconds(15)).until(() -> registeredWarmWorkers(server).stream()
                    .allMatch(w -> Agents.ofWorker(w).isEmpty()));
            assertThat(server.logs()).contains("Destroyed 1 idle warm worker(s) on stopping");
        }
    }

    /** Warm workers that registered, in the order the server logged them. */
    private static List<String> registeredWarmWorkers(ServerProcess server) throws java.io.IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Warm worker ([0-9a-f-]{36}) registered\\b")
                .matcher(server.logs());
        List<String> ids = new java.util.ArrayList<>();
        while (m.find()) if (!ids.contains(m.group(1))) ids.add(m.group(1));
        return ids;
    }

    private static long shellsMarked(String marker) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)).count();
    }

    private static String stdout(TestClient client, String jobId, boolean follow) {
        List<LogChunk> chunks = new java.util.ArrayList<>();
        client.jobs().streamLogs(hodei.v1.StreamLogsRequest.newBuilder().setJobId(jobId).setFollow(follow).build())
                .forEachRemaining(chunks::add);
        return chunks.stream().filter(c -> c.getStream() == LogStream.LOG_STREAM_STDOUT)
                .map(c -> c.getData().toString(StandardCharsets.UTF_8)).collect(Collectors.joining());
    }
}
