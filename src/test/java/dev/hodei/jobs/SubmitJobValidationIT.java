package dev.hodei.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.ArgvCommand;
import hodei.v1.JobSpec;
import hodei.v1.SubmitJobRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
                "spec.run_timeout_seconds: must not be negative");
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
        return jdbc.queryForObject("SELECT count(*) FROM jobs", Long.class);
    }
}
