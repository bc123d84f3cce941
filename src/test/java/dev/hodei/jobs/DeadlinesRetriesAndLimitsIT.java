package dev.hodei.jobs;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static dev.hodei.testing.JobSpecs.shell;
import static hodei.v1.JobState.JOB_STATE_CANCELLED;
import static hodei.v1.JobState.JOB_STATE_FAILED;
import static hodei.v1.JobState.JOB_STATE_SUCCEEDED;
import static hodei.v1.JobState.JOB_STATE_TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.Agents;
import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.CancelJobRequest;
import hodei.v1.Job;
import hodei.v1.JobEvent;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import hodei.v1.LogStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/** Run and queue deadlines, cancel of stubborn process trees, retries by exit code, the output cap. */
class DeadlinesRetriesAndLimitsIT extends ControlPlaneIT {

    @Autowired JobStore jobStore;
    @Autowired TransactionTemplate tx;

    @Test
    void theRunDeadlineEndsTheJobTimedOutAndKillsItsTree() {
        Job done = client.awaitEnd(client.submit(shell("sleep 3600 & sleep 3600")
                .runTimeout(Duration.ofSeconds(2))).getId());

        assertThatJob(done).hasState(JOB_STATE_TIMED_OUT).failedWith("TIMED_OUT");
        double ran = Duration.between(JobOutputTimes.instant(done.getStartedAt()),
                JobOutputTimes.instant(done.getFinishedAt())).toMillis() / 1000.0;
        System.out.printf("run deadline 2 s: TIMED_OUT after %.3f s%n", ran);
        assertThat(ran).isBetween(2.0, 6.0);
        assertNoProcessOf(done.getWorkerId(), "sleep 3600");
    }

    @Test
    void cancelKillsATreeThatIgnoresSigtermAndForks() {
        Job job = client.submit("trap '' TERM; for i in 1 2 3; do (trap '' TERM; sleep 3000; :) & done; sleep 3000; :");
        await("running with its children").atMost(Duration.ofSeconds(20)).until(() ->
                client.get(job.getId()).getState() == JobState.JOB_STATE_RUNNING && countProcesses("sleep 3000") >= 4);
        String workerId = client.get(job.getId()).getWorkerId();

        client.jobs().cancelJob(CancelJobRequest.newBuilder().setId(job.getId()).build());
        Job done = client.awaitEnd(job.getId());

        assertThatJob(done).hasState(JOB_STATE_CANCELLED);
        assertNoProcessOf(workerId, "sleep 3000");
    }

    @Test
    void aDeclaredRetryableExitCodeIsRetriedAndSucceedsOnTheNextAttempt(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("failed-once");
        Job done = client.awaitEnd(client.submit(
                shell("if [ -e " + marker + " ]; then echo ok; else touch " + marker + "; exit 75; fi")
                        .retryingOn(75).attempts(3).backoff(Duration.ofMillis(50))).getId());

        assertThatJob(done).hasState(JOB_STATE_SUCCEEDED).hasAttempt(2);
        assertThat(client.events(done.getId())).extracting(JobEvent::getReason)
                .anyMatch(r -> r.startsWith("exit code 75; retrying (attempt 2 of 3)"));
    }

    @Test
    void anExitCodeNotDeclaredRetryableFailsAtOnce() {
        Job done = client.awaitEnd(client.submit(shell("exit 75").retryingOn(76).attempts(3)).getId());

        assertThatJob(done).hasState(JOB_STATE_FAILED).hasAttempt(1).hasExitCode(75);
    }

    @Test
    void aJobLeftPendingPastItsQueueDeadlineFailsWithQueueTimeout() {
        // Held back by a future not_before, written in the submitting transaction so no claim sees it first.
        UUID id = tx.execute(s -> {
            UUID job = jobStore.submit(shell("true").queueTimeout(Duration.ofSeconds(1)).build(),
                    null, "process", 3, 60).job().id();
            rows.holdBack(job, Duration.ofHours(1));
            return job;
        });

        Job done = client.awaitEnd(id.toString());
        assertThatJob(done).hasState(JOB_STATE_FAILED).failedWith("QUEUE_TIMEOUT").hasAttempt(0);
    }

    @Test
    void outputPastTheCapIsCutWithAMarkerAndWhatIsKeptIsInOrder() {
        // about 15 MB of numbered lines; the test server keeps 4 MiB (hodei.jobs.max-log-bytes)
        Job job = client.submit("seq 1 2000000");
        List<LogChunk> chunks = client.logs(job.getId());

        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        chunks.stream().filter(c -> c.getStream() == LogStream.LOG_STREAM_STDOUT).forEach(c -> stdout.writeBytes(c.getData().toByteArray()));
        String expected = IntStream.rangeClosed(1, 2000000).mapToObj(Integer::toString)
                .collect(Collectors.joining("\n", "", "\n")).substring(0, 4 * 1024 * 1024);
        assertThat(stdout.size()).isEqualTo(4 * 1024 * 1024);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(chunks.get(chunks.size() - 1).getData().toString(StandardCharsets.UTF_8))
                .contains("[hodei: output truncated at 4194304 bytes");
        assertThatJob(client.get(job.getId())).hasState(JOB_STATE_SUCCEEDED);
    }

    private static long countProcesses(String commandLine) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(commandLine)).count();
    }

    private static void assertNoProcessOf(String workerId, String commandLine) {
        await("no '" + commandLine + "' left of worker " + workerId).atMost(Duration.ofSeconds(10)).until(
                () -> Agents.ofWorker(workerId).isEmpty() && countProcesses(commandLine) == 0);
    }

    /** Timestamps of the wire contract as instants. */
    static final class JobOutputTimes {
        static java.time.Instant instant(com.google.protobuf.Timestamp t) {
            return java.time.Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
        }
    }
}
