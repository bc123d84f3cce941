package dev.hodei.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.Agents;
import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.ArgvCommand;
import hodei.v1.Job;
import hodei.v1.JobEvent;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.LogChunk;
import hodei.v1.LogStream;
import hodei.v1.StreamLogsRequest;
import hodei.v1.SubmitJobRequest;
import hodei.v1.SubmitJobResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The whole lifecycle with real agent processes: submit, provision, register, run, stream, destroy. */
class JobLifecycleIT extends ControlPlaneIT {

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
        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getExitCode()).isZero();
        assertDestroyedImmediately(done);
    }

    @Test
    void aNonZeroExitCodeFailsTheJobWithThatCode() {
        Job done = client.awaitEnd(client.submit("echo about to fail; exit 3").getId());

        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(done.hasExitCode()).isTrue();
        assertThat(done.getExitCode()).isEqualTo(3);
        assertThat(done.getFailureReason()).isEqualTo("exit code 3");
        assertDestroyedImmediately(done);
    }

    @Test
    void pipesQuotesAndRedirectionsGoThroughTheShell() {
        Job job = client.submit("printf '%s\\n' \"b 'two'\" 'a \"one\"' | sort | tr a-z A-Z > out.txt && cat out.txt");
        String out = text(client.logs(job.getId()), LogStream.LOG_STREAM_STDOUT);

        assertThat(out).isEqualTo("A \"ONE\"\nB 'TWO'\n");
        assertThat(client.get(job.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void argvRunsWithoutAShell() {
        Job job = client.submit(JobSpec.newBuilder()
                .setArgv(ArgvCommand.newBuilder().addArgs("printf").addArgs("[%s]").addArgs("a b").addArgs("$HOME|x"))
                .build());

        assertThat(text(client.logs(job.getId()), LogStream.LOG_STREAM_STDOUT)).isEqualTo("[a b][$HOME|x]");
        assertThat(client.get(job.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void envAndWorkingDirReachTheJob() {
        Job job = client.submit(JobSpec.newBuilder().setShell("echo \"$GREETING from $(pwd)\"")
                .putEnv("GREETING", "hola").setWorkingDir("/tmp").build());

        assertThat(text(client.logs(job.getId()), LogStream.LOG_STREAM_STDOUT)).isEqualTo("hola from /tmp\n");
    }

    @Test
    void theResourceRecordedAtProvisioningIsTheProcessThatRanTheJob() {
        // $PPID of the job's shell is the agent JVM that ran it.
        Job job = client.submit("echo $PPID");
        long ranIn = Long.parseLong(text(client.logs(job.getId()), LogStream.LOG_STREAM_STDOUT).trim());
        Job done = client.get(job.getId());

        Map<String, Object> rows = jdbc.queryForMap("""
                SELECT w.provider_resource_id AS worker_rid, t.provider_resource_id AS token_rid, t.consumed_at
                FROM workers w JOIN worker_bootstrap_tokens t ON t.worker_id = w.id WHERE w.id = ?""",
                UUID.fromString(done.getWorkerId()));
        assertThat(rows.get("token_rid")).isEqualTo(Long.toString(ranIn));
        assertThat(rows.get("worker_rid")).isEqualTo(Long.toString(ranIn));
        assertThat(rows.get("consumed_at")).isNotNull();
        assertDestroyedImmediately(done);
    }

    @Test
    void aRetriedSubmitWithTheSameKeyReturnsTheSameJob() {
        String key = "retry-" + UUID.randomUUID();
        SubmitJobRequest request = SubmitJobRequest.newBuilder()
                .setSpec(JobSpec.newBuilder().setShell("echo once")).setIdempotencyKey(key).build();

        SubmitJobResponse first = client.jobs().submitJob(request);
        SubmitJobResponse second = client.jobs().submitJob(request);

        assertThat(first.getCreated()).isTrue();
        assertThat(second.getCreated()).isFalse();
        assertThat(second.getJob().getId()).isEqualTo(first.getJob().getId());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM jobs WHERE idempotency_key = ?", Long.class, key))
                .isEqualTo(1);
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

        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        await("agent and job processes gone").atMost(Duration.ofSeconds(10)).until(
                () -> Agents.ofWorker(workerId).isEmpty() && noProcessRuns("sleep 300"));
    }

    @Test
    void cancellingAPendingJobEndsItAtOnce() {
        Job job = client.submit(JobSpec.newBuilder().setShell("true").setProvider("process").build());
        Job cancelled = client.jobs().cancelJob(hodei.v1.CancelJobRequest.newBuilder().setId(job.getId()).build());
        Job done = client.awaitEnd(job.getId());

        // an agent needs far longer to start than this cancel takes to arrive, so it never runs
        assertThat(cancelled.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(done.getFailureReason()).isEqualTo("cancelled by request");
        await("no live worker for the cancelled job").atMost(Duration.ofSeconds(10)).until(
                () -> jdbc.queryForObject("SELECT count(*) FROM workers WHERE job_id = ? AND destroyed_at IS NULL",
                        Long.class, UUID.fromString(job.getId())) == 0);
    }

    private void assertDestroyedImmediately(Job job) {
        UUID workerId = UUID.fromString(job.getWorkerId());
        await("worker " + workerId + " destroyed").atMost(Duration.ofSeconds(10)).until(
                () -> jdbc.queryForObject("SELECT destroyed_at IS NOT NULL FROM workers WHERE id = ?",
                        Boolean.class, workerId));
        assertThat(jdbc.queryForObject("SELECT destroy_reason FROM workers WHERE id = ?", String.class, workerId))
                .isEqualTo("immediate");
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
