package dev.hodei.providers.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.Agents;
import dev.hodei.testing.RunAs;
import dev.hodei.testing.ServerProcess;
import dev.hodei.testing.TestClient;
import hodei.v1.CancelJobRequest;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import hodei.v1.LogStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code hodei.providers.process.run-as-user}: a control plane running as root starts its jobs as
 * {@code nobody}, which can neither read the server's files nor another agent's environment.
 */
class ProcessRunAsUserIT {

    @Test
    void jobsRunAsTheUserAndReachNeitherTheServersFilesNorAnotherAgentsEnvironment() throws Exception {
        RunAs.requireRoot();
        String otherWorker = null;
        // started inside the try, so that a start that times out still stops the server
        try (ServerProcess server = new ServerProcess(List.of("--hodei.providers.process.run-as-user=" + RunAs.USER));
             TestClient client = new TestClient(server.start().grpcPort())) {
            Job other = client.submit(JobSpec.newBuilder().setProvider("process").setShell("sleep 120 & sleep 120").build());
            await("the other job running").atMost(Duration.ofSeconds(30)).until(
                    () -> client.get(other.getId()).getState() == JobState.JOB_STATE_RUNNING);
            otherWorker = client.get(other.getId()).getWorkerId();
            long otherAgent = Agents.ofWorker(otherWorker).get(0).pid();
            Path home = server.home();
            assertThat(home.resolve("secrets.key")).isRegularFile();
            assertThat(home.resolve("pgdata")).isDirectory();

            Job probe = client.awaitEnd(client.submit(JobSpec.newBuilder().setProvider("process").setShell(
                    "id -u; stat -c %u \"$HOME\"; cat " + home.resolve("secrets.key") + " || echo no-secret; "
                            + "ls " + home.resolve("pgdata") + " || echo no-pgdata; "
                            + "ls " + home.resolve("agent-logs") + " || echo no-agent-logs; "
                            + "cat /proc/" + otherAgent + "/environ || echo no-environ").build()).getId());

            assertThat(probe.getState()).as(probe.getFailureReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
            assertThat(output(client, probe.getId(), LogStream.LOG_STREAM_STDOUT)).isEqualTo(RunAs.UID + "\n" + RunAs.UID
                    + "\nno-secret\nno-pgdata\nno-agent-logs\nno-environ\n");
            assertThat(output(client, probe.getId(), LogStream.LOG_STREAM_STDERR)).contains("Permission denied");

            client.jobs().cancelJob(CancelJobRequest.newBuilder().setId(other.getId()).setReason("test").build());
            assertThat(client.awaitEnd(other.getId()).getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
            String worker = otherWorker;
            await("every process of the cancelled job gone").atMost(Duration.ofSeconds(15)).until(
                    () -> ProcessProvider.processesOfWorker(UUID.fromString(worker)).isEmpty()
                            && Agents.ofWorker(worker).isEmpty());
        } finally {
            if (otherWorker != null) { // whatever the outcome, nothing of the job outlives the test
                ProcessProvider.processesOfWorker(UUID.fromString(otherWorker)).forEach(ProcessHandle::destroyForcibly);
                Agents.ofWorker(otherWorker).forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static String output(TestClient client, String jobId, LogStream stream) {
        return client.logs(jobId).stream().filter(c -> c.getStream() == stream).map(LogChunk::getData)
                .map(b -> b.toString(StandardCharsets.UTF_8)).collect(Collectors.joining());
    }
}
