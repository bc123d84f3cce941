package dev.hodei.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.ArgvCommand;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.ListJobsRequest;
import hodei.v1.SubmitJobRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Bad specs over the real gRPC API: INVALID_ARGUMENT naming the field, and nothing stored. */
class SubmitJobValidationIT extends ControlPlaneIT {

    @Test
    void emptyCommand() {
        assertRejected(JobSpec.newBuilder().setShell("   ").build(), "spec.shell: must not be empty");
        assertRejected(JobSpec.newBuilder().build(), "spec.command: give a shell command");
        assertRejected(JobSpec.newBuilder().setArgv(ArgvCommand.newBuilder()).build(), "spec.argv.args");
    }

    @Test
    void negativeTimeout() {
        assertRejected(JobSpec.newBuilder().setShell("true").setRunTimeoutSeconds(-1).build(),
                "spec.run_timeout_seconds: must be between 0 and 604800");
    }

    @Test
    void findingsThatWereAcceptedOrAnsweredWithInternals() {
        // a 3 MiB name was stored and shown in every list
        assertRejected(JobSpec.newBuilder().setShell("true").setName("n".repeat(3 << 20)).build(),
                "spec.name: longer than 256 characters");
        // 200,000 exit codes were stored in the spec of every attempt
        assertRejected(JobSpec.newBuilder().setShell("true").addAllRetryOnExitCodes(Collections.nCopies(200_000, 1)).build(),
                "spec.retry_on_exit_codes: 200000 entries, at most 32 allowed");
        // 2^44 MiB overflowed to "no limit" in the Docker provider
        assertRejected(JobSpec.newBuilder().setShell("true").setMemoryMb(1L << 44).build(),
                "spec.memory_mb: must be between 0 and 4194304");
        // reached make_interval and came back as INTERNAL with the SQL text
        StatusRuntimeException e = submit(JobSpec.newBuilder().setShell("true").setQueueTimeoutSeconds(Long.MAX_VALUE)
                .build(), "");
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).isEqualTo("spec.queue_timeout_seconds: must be between 0 and 2592000"
                + " (0 = no limit)");
        assertRejected(JobSpec.newBuilder().setShell("true").setCpu(Double.NaN).build(), "spec.cpu");
        assertRejected(JobSpec.newBuilder().setShell("true").setCpu(Double.POSITIVE_INFINITY).build(), "spec.cpu");
        assertRejected(JobSpec.newBuilder().setShell("true").setPriority(Integer.MAX_VALUE).build(),
                "spec.priority: must be between -1000 and 1000");
        assertRejected(JobSpec.newBuilder().setShell("true").setRetryBackoffMs(Long.MAX_VALUE).build(),
                "spec.retry_backoff_ms: must be between 0 and 3600000");
    }

    @Test
    void listFiltersAreBounded() {
        ListJobsRequest.Builder labels = ListJobsRequest.newBuilder();
        for (int i = 0; i < 65; i++) labels.putLabels("k" + i, "v");
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.jobs().listJobs(labels.build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).isEqualTo("labels: 65 labels, at most 64 allowed");
        // one state asked for 100,000 times was 100,000 SQL parameters: INTERNAL with the driver's message
        ListJobsRequest.Builder states = ListJobsRequest.newBuilder().setPageSize(1);
        for (int i = 0; i < 100_000; i++) states.addStates(JobState.JOB_STATE_SUCCEEDED);
        assertThat(client.jobs().listJobs(states.build()).getJobsList())
                .allSatisfy(j -> assertThat(j.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED));
    }

    @Test
    void unknownProvider() {
        assertRejected(JobSpec.newBuilder().setShell("true").setProvider("mainframe").build(),
                "spec.provider: unknown provider 'mainframe'");
    }

    @Test
    void oversizedEnv() {
        JobSpec.Builder spec = JobSpec.newBuilder().setShell("true");
        spec.putEnv("BIG", "x".repeat(70_000));
        assertRejected(spec.build(), "spec.env: 70005 bytes, at most 65536 allowed");
    }

    @Test
    void tooManyEnvVariablesAndBadNames() {
        JobSpec.Builder spec = JobSpec.newBuilder().setShell("true");
        for (int i = 0; i < 300; i++) spec.putEnv("V" + i, "1");
        assertRejected(spec.build(), "spec.env: 300 variables, at most 256 allowed");
        assertRejected(JobSpec.newBuilder().setShell("true").putEnv("1BAD", "x").build(),
                "spec.env: invalid variable name '1BAD'");
    }

    @Test
    void everyViolationIsReportedAtOnce() {
        StatusRuntimeException e = submit(JobSpec.newBuilder().setShell("").setRunTimeoutSeconds(-5)
                .setProvider("nope").setWorkingDir("relative").build(), "");
        assertThat(e.getStatus().getDescription()).contains("spec.shell", "spec.run_timeout_seconds",
                "spec.provider", "spec.working_dir");
    }

    @Test
    void anOverlongIdempotencyKey() {
        StatusRuntimeException e = submit(JobSpec.newBuilder().setShell("true").build(), "k".repeat(201));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("idempotency_key");
    }

    @Test
    void unknownOrMalformedJobIds() {
        StatusRuntimeException bad = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.get("not-a-uuid"));
        StatusRuntimeException missing = catchThrowableOfType(StatusRuntimeException.class,
                () -> client.get(java.util.UUID.randomUUID().toString()));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    private void assertRejected(JobSpec spec, String message) {
        StatusRuntimeException e = submit(spec, "");
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains(message);
    }

    private StatusRuntimeException submit(JobSpec spec, String key) {
        long before = count();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> client.jobs()
                .submitJob(SubmitJobRequest.newBuilder().setSpec(spec).setIdempotencyKey(key).build()));
        assertThat(e).as("the submission was accepted").isNotNull();
        assertThat(count()).as("jobs stored").isEqualTo(before);
        return e;
    }

    private long count() {
        return rows.jobCount();
    }
}
