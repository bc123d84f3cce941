package dev.hodei.jobs;

import static dev.hodei.testing.JobAssert.assertThatJob;
import static dev.hodei.testing.JobSpecs.argv;
import static dev.hodei.testing.JobSpecs.shell;
import static hodei.v1.JobState.JOB_STATE_CANCELLED;
import static hodei.v1.JobState.JOB_STATE_FAILED;
import static hodei.v1.JobState.JOB_STATE_SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.Agents;
import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.workers.WorkerStore;
import hodei.v1.Job;
import hodei.v1.JobEvent;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import hodei.v1.LogStream;
import hodei.v1.StreamLogsRequest;
import hodei.v1.SubmitJobRequest;
import hodei.v1.SubmitJobResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The whole lifecycle with real agent processes: submit, provision, register, run, stream, destroy. */
class JobLifecycleIT extends ControlPlaneIT {

    @Autowired WorkerStore workers;

    @Test
    void stdoutAndStderrArriveInOrderAndTheJobSucceeds() {
        Job job = client.submit("for i in $(seq 1 200); do echo \"out $i\"; echo \"err $i\" >&2; done");
        List<LogChunk> chunks = client.logs(job.getId());

        assertThat(lines(chunks, LogStream.LOG_STREAM_STDOUT))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 200).mapToObj(i -> "out " + i).toList());
        assertThat(lines(chunks, LogStream.LOG_STREAM_STDERR))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 200).mapToObj(i -> "err " + i).toList());
        assertThat(chunks).extracting(LogChunk::getSequence)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, chunks.size()).mapToObj(i -> (long) i).toList());
        Job done = client.get(job.getId());
        assertThatJob(done).hasState(JOB_STATE_SUCCEEDED).hasExitCode(0);
        assertDestroyedImmediately(done);
    }

    @Test
    void aNonZeroExitCodeFailsTheJobWithThatCode() {
        Job done = client.awaitEnd(client.submit("echo about to fail; exit 3").getId());

        assertThatJob(done).hasState(JOB_STATE_FAILED).hasExitCode(3).failedBecause("exit code 3");
        assertDestroyedImmediately(done);
    }

    @Test
    void pipesQuotesAndRedirectionsGoThroughTheShell() {
        Job job = client.submit("printf '%s\\n' \"b 'two'\" 'a \"one\"' | sort | tr a-z A-Z > out.txt && cat out.txt");
        String out = text(client.logs(job.getId()), LogStream.LOG_STREAM_STDOUT);

        assertThat(out).isEqualTo("A \"ONE\"\nB 'TWO'\n");
        assertThatJob(client.get(job.getId())).hasState(JOB_STATE_SUCCEEDED);
    }

    @Test
    void argvRunsWithoutAShell() {
        Job job = client.submit(argv("printf", "[%s]", "a b", "$HOME|x"));

        assertThat(text(client.logs(job.getId()), LogStream.LOG_STREAM_STDOUT)).isEqualTo("[a b][$HOME|x]");
        assertThatJob(client.get(job.getId())).hasState(JOB_STATE_SUCCEEDED);
    }

    @Test
    void envAndWorkingDirReachTheJob() {
        Job job = client.submit(shell("echo \"$GREETING from $(pwd)\"").env("GREETING", "hola").workingDir("/tmp"));

        assertThat(text(client.logs(job.getId()), LogStream.LOG_STREAM_STDOUT)).isEqualTo("hola from /tmp\n");
    }

    @Test
    void theResourceRecordedAtProvisioningIsTheProcessThatRanTheJob() {
        // $PPID of the job's shell is the agent JVM that ran it.
        Job job = client.submit("echo $PPID");
        long ranIn = Long.parseLong(text(client.logs(job.getId()), LogStream.LOG_STREAM_STDOUT).trim());
        Job done = client.get(job.getId());

        UUID workerId = UUID.fromString(done.getWorkerId());
        assertThat(rows.tokensOfWorker(workerId)).singleElement().satisfies(token -> {
            assertThat(token.resourceId()).isEqualTo(Long.toString(ranIn));
            assertThat(token.consumedAt()).isNotNull();
        });
        assertThat(workers.find(workerId).orElseThrow().resourceId()).isEqualTo(Long.toString(ranIn));
        assertDestroyedImmediately(done);
    }

    @Test
    void aRetriedSubmitWithTheSameKeyReturnsTheSameJob() {
        String key = "retry-" + UUID.randomUUID();
        SubmitJobRequest request = SubmitJobRequest.newBuilder()
                .setSpec(shell("echo once").build()).setIdempotencyKey(key).build();

        SubmitJobResponse first = client.jobs().submitJob(request);
        SubmitJobResponse second = client.jobs().submitJob(request);

        assertThat(first.getCreated()).isTrue();
        assertThat(second.getCreated()).isFalse();
        assertThat(second.getJob().getId()).isEqualTo(first.getJob().getId());
        assertThat(rows.jobsWithIdempotencyKey(key)).isEqualTo(1);
        client.awaitEnd(first.getJob().getId());
    }

    @Test
    void everyTransitionIsAnEventWithItsReason() {
        Job job = client.submit("true");
        List<JobEvent> events = client.events(job.getId());

        assertThat(events).extracting(JobEvent::getToState).containsExactly(
                JobState.JOB_STATE_PENDING, JobState.JOB_STATE_ASSIGNED, JobState.JOB_STATE_PROVISIONING,
                JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_SUCCEEDED);
        assertThat(events).allSatisfy(e -> assertThat(e.getReason()).isNotBlank());
    }

    @Test
    void aLateFollowerReplaysFromAnySequence() {
        Job job = client.submit("seq 1 5");
        client.awaitEnd(job.getId());

        List<LogChunk> fromStart = client.logs(job.getId());
        List<LogChunk> fromSecond = new java.util.ArrayList<>();
        client.jobs().streamLogs(StreamLogsRequest.newBuilder().setJobId(job.getId()).setFromSequence(2).build())
                .forEachRemaining(fromSecond::add);

        assertThat(text(fromStart, LogStream.LOG_STREAM_STDOUT)).isEqualTo("1\n2\n3\n4\n5\n");
        assertThat(fromSecond).isEqualTo(fromStart.subList(1, fromStart.size()));
    }

    @Test
    void cancellingARunningJobKillsItsProcessesAndDestroysTheWorker() {
        Job job = client.submit("sleep 300 & sleep 300; echo never");
        await("job running").atMost(Duration.ofSeconds(20)).until(
                () -> client.get(job.getId()).getState() == JobState.JOB_STATE_RUNNING);
        String workerId = client.get(job.getId()).getWorkerId();

        client.jobs().cancelJob(hodei.v1.CancelJobRequest.newBuilder().setId(job.getId()).setReason("test").build());
        client.jobs().cancelJob(hodei.v1.CancelJobRequest.newBuilder().setId(job.getId()).build()); // idempotent
        Job done = client.awaitEnd(job.getId());

        assertThatJob(done).hasState(JOB_STATE_CANCELLED);
        await("agent and job processes gone").atMost(Duration.ofSeconds(10)).until(
                () -> Agents.ofWorker(workerId).isEmpty() && noProcessRuns("sleep 300"));
    }

    @Test
    void cancellingAPendingJobEndsItAtOnce() {
        Job job = client.submit(shell("true").on("process"));
        Job cancelled = client.jobs().cancelJob(hodei.v1.CancelJobRequest.newBuilder().setId(job.getId()).build());
        Job done = client.awaitEnd(job.getId());

        // an agent needs far longer to start than this cancel takes to arrive, so it never runs
        assertThatJob(cancelled).hasState(JOB_STATE_CANCELLED);
        assertThatJob(done).hasState(JOB_STATE_CANCELLED).failedBecause("cancelled by request");
        await("no live worker for the cancelled job").atMost(Duration.ofSeconds(10)).until(
                () -> workers.liveWorkerOf(UUID.fromString(job.getId())).isEmpty());
    }

    private void assertDestroyedImmediately(Job job) {
        UUID workerId = UUID.fromString(job.getWorkerId());
        await("worker " + workerId + " destroyed").atMost(Duration.ofSeconds(10)).until(
                () -> workers.find(workerId).orElseThrow().destroyedAt() != null);
        assertThat(workers.find(workerId).orElseThrow().destroyReason()).isEqualTo("immediate");
        assertThat(Agents.ofWorker(workerId.toString())).as("agent processes of worker " + workerId).isEmpty();
    }

    private static boolean noProcessRuns(String commandLine) {
        return ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(commandLine));
    }

    static List<String> lines(List<LogChunk> chunks, LogStream stream) {
        String text = text(chunks, stream);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    static String text(List<LogChunk> chunks, LogStream stream) {
        return chunks.stream().filter(c -> c.getStream() == stream)
                .map(c -> c.getData().toString(StandardCharsets.UTF_8)).collect(Collectors.joining());
    }
}
