package dev.hodei.jobs;

import static dev.hodei.testing.JobSpecs.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.server.HodeiProperties;
import dev.hodei.testing.CliProcess;
import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.Job;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import hodei.v1.StreamLogsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/** Output is kept per attempt: each chunk names its attempt, a reader picks one, a follower is told when a new one begins. */
class LogsPerAttemptIT extends ControlPlaneIT {

    @Autowired HodeiProperties props;
    @Autowired JobSignals signals;

    List<LogChunk> read(String jobId, int attempt) {
        List<LogChunk> chunks = new ArrayList<>();
        client.jobs().streamLogs(StreamLogsRequest.newBuilder().setJobId(jobId).setAttempt(attempt).build())
                .forEachRemaining(chunks::add);
        return chunks;
    }

    static String text(List<LogChunk> chunks) {
        return chunks.stream().map(c -> c.getData().toStringUtf8()).collect(Collectors.joining());
    }

    @Test
    void eachAttemptsOutputIsItsOwnAndAFollowerSeesTheNextBegin(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("failed-once");
        Path started = marker.resolveSibling("first-started");
        Path go = marker.resolveSibling("go");
        // attempt 1 waits until the test saw a follower attach, then fails retryably
        Job job = client.submit(shell("if [ -e " + marker + " ]; then echo second try; else echo first try; touch "
                + started + "; while [ ! -e " + go + " ]; do sleep 0.1; done; touch " + marker + "; exit 75; fi")
                .retryingOn(75).attempts(2).backoff(Duration.ofMillis(50)));
        CliProcess cli = new CliProcess(grpc.port(), props.home());
        await("attempt 1 running").atMost(Duration.ofSeconds(60)).until(() -> Files.exists(started));
        CompletableFuture<CliProcess.Result> follower = CompletableFuture.supplyAsync(() -> {
            try {
                return cli.run("job", "logs", "-f", job.getId());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        await("the CLI following").atMost(Duration.ofSeconds(60)).until(() -> signals.followed() > 0);
        Files.createFile(go);

        Job done = client.awaitEnd(job.getId());
        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getAttempt()).isEqualTo(2);

        List<LogChunk> all = read(job.getId(), 0);
        assertThat(all).extracting(LogChunk::getAttempt).containsExactly(1, 2);
        assertThat(text(all)).isEqualTo("first try\nsecond try\n");
        assertThat(text(read(job.getId(), 1))).isEqualTo("first try\n");
        assertThat(text(read(job.getId(), 2))).isEqualTo("second try\n");

        CliProcess.Result followed = follower.get();
        assertThat(followed.exit()).as(followed.err()).isZero();
        assertThat(followed.out()).isEqualTo("first try\nsecond try\n");
        assertThat(followed.err()).contains("── attempt 2 ──");

        assertThat(cli.run("job", "logs", job.getId()).out()).as("the current attempt's").isEqualTo("second try\n");
        assertThat(cli.run("job", "logs", "--attempt", "1", job.getId()).out()).isEqualTo("first try\n");
        CliProcess.Result every = cli.run("job", "logs", "--all-attempts", job.getId());
        assertThat(every.out()).isEqualTo("first try\nsecond try\n");
        assertThat(every.err()).contains("── attempt 2 ──");
    }

    @Test
    void aNegativeAttemptIsRefusedNamingTheField() {
        Job job = client.submit(shell("true"));
        StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> read(job.getId(), -1), StatusRuntimeException.class);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("attempt");
    }
}
