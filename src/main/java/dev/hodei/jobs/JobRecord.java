package dev.hodei.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.hodei.server.ProtoTime;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.TemplateRun;
import hodei.v1.Trigger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One row of {@code jobs}. */
public record JobRecord(
        UUID id,
        String idempotencyKey,
        JobSpec spec,
        JobState state,
        String provider,
        int attempt,
        int maxAttempts,
        long runTimeoutSeconds,
        UUID workerId,
        Integer exitCode,
        int signal,
        String failureReason,
        boolean cancelRequested,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        // Null unless the job is a template run.
        TemplateRun run,
        // Secret parameters, encrypted (SecretCipher); null when there are none.
        byte[] secretEnv,
        String namespace,
        // Token names; null when unknown (jobs from before authentication, the system's own).
        String submittedBy,
        String cancelledBy) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> PARAMS = new TypeReference<>() {};

    public static JobRecord map(ResultSet rs, int row) throws SQLException {
        try {
            int exit = rs.getInt("exit_code");
            return new JobRecord(
                    rs.getObject("id", UUID.class),
                    rs.getString("idempotency_key"),
                    JobSpec.parseFrom(rs.getBytes("spec")),
                    JobState.valueOf(rs.getString("state")),
                    rs.getString("provider"),
                    rs.getInt("attempt"),
                    rs.getInt("max_attempts"),
                    rs.getLong("run_timeout_s"),
                    rs.getObject("worker_id", UUID.class),
                    rs.wasNull() ? null : exit,
                    rs.getInt("signal"),
                    rs.getString("failure_reason"),
                    rs.getBoolean("cancel_requested"),
                    instant(rs, "created_at"),
                    instant(rs, "started_at"),
                    instant(rs, "finished_at"),
                    run(rs),
                    rs.getBytes("secret_env"),
                    rs.getString("namespace"),
                    rs.getString("submitted_by"),
                    rs.getString("cancelled_by"));
        } catch (InvalidProtocolBufferException e) {
            throw new SQLException("jobs.spec is not a hodei.v1.JobSpec", e);
        }
    }

    private static TemplateRun run(ResultSet rs) throws SQLException {
        String templateName = rs.getString("template_name");
        if (templateName == null) return null;
        TemplateRun.Builder b = TemplateRun.newBuilder()
                .setTemplateName(templateName)
                .setTemplateVersion(rs.getInt("template_version"))
                .setRunNumber(rs.getLong("run_number"))
                .setTrigger(Trigger.valueOf("TRIGGER_" + rs.getString("run_trigger")));
        UUID templateId = rs.getObject("template_id", UUID.class);
        if (templateId != null) b.setTemplateId(templateId.toString());
        if (rs.getString("triggered_by") != null) b.setTriggeredBy(rs.getString("triggered_by"));
        UUID scheduleId = rs.getObject("schedule_id", UUID.class);
        if (scheduleId != null) b.setScheduleId(scheduleId.toString());
        Instant fire = instant(rs, "scheduled_fire_at");
        if (fire != null) b.setScheduledFireTime(ProtoTime.of(fire));
        String params = rs.getString("parameters");
        if (params != null) {
            try {
                b.putAllParameters(JSON.readValue(params, PARAMS));
            } catch (JsonProcessingException e) {
                throw new SQLException("jobs.parameters is not a JSON object", e);
            }
        }
        return b.build();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        java.sql.Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    /**
     * Short: the generated form printed the whole spec, and Camel prints a header's value into the
     * message of every predicate it does not match (a route's {@code ${header.x} == null}, say).
     */
    @Override
    public String toString() {
        return "JobRecord[" + id + " " + state + " attempt " + attempt + "]";
    }

    /** The same row in {@code other} state: what the event of a move made in passing (in one statement with the next) carries. */
    public JobRecord inState(JobState other) {
        return new JobRecord(id, idempotencyKey, spec, other, provider, attempt, maxAttempts, runTimeoutSeconds, workerId,
                exitCode, signal, failureReason, cancelRequested, createdAt, startedAt, finishedAt, run, secretEnv, namespace,
                submittedBy, cancelledBy);
    }

    public Job toProto() {
        Job.Builder b = Job.newBuilder()
                .setId(id.toString())
                .setSpec(spec)
                .setState(state.toProto())
                .setAttempt(attempt)
                .setSignal(signal)
                .setProvider(provider)
                .setNamespace(namespace)
                .setCreatedAt(ProtoTime.of(createdAt));
        if (submittedBy != null) b.setSubmittedBy(submittedBy);
        if (cancelledBy != null) b.setCancelledBy(cancelledBy);
        if (idempotencyKey != null) b.setIdempotencyKey(idempotencyKey);
        if (exitCode != null) b.setExitCode(exitCode);
        if (failureReason != null) b.setFailureReason(failureReason);
        if (workerId != null) b.setWorkerId(workerId.toString());
        if (startedAt != null) b.setStartedAt(ProtoTime.of(startedAt));
        if (finishedAt != null) b.setFinishedAt(ProtoTime.of(finishedAt));
        if (run != null) b.setRun(run);
        return b.build();
    }
}
