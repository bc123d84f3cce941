package dev.hodei.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hodei.server.HodeiProperties;
import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.schedules.ScheduleFiring;
import hodei.v1.CreateScheduleRequest;
import hodei.v1.CreateTemplateRequest;
import hodei.v1.GetScheduleRequest;
import hodei.v1.GetTemplateRequest;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.ListJobsRequest;
import hodei.v1.ListRunsRequest;
import hodei.v1.ListSchedulesRequest;
import hodei.v1.LogStream;
import hodei.v1.Parameter;
import hodei.v1.RetryRunRequest;
import hodei.v1.RunScheduleNowRequest;
import hodei.v1.RunTemplateRequest;
import hodei.v1.Schedule;
import hodei.v1.TemplateDefinition;
import hodei.v1.UpdateTemplateRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A secret parameter reaches the job and nothing else: not the job's output, not GetJob, ListJobs,
 * ListRuns or ListSchedules, not the events, not an error message (even after the template made the
 * parameter a plain one), not the server's log, not the database (its rows, nor the files
 * PostgreSQL writes).
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretParametersIT extends ControlPlaneIT {

    @Autowired HodeiProperties props;
    @Autowired ScheduleFiring firing;

    @Test
    void aSecretIsUsableByTheJobAndFoundNowhereElse(CapturedOutput serverLog) throws Exception {
        String secret = "s3cr3t-" + UUID.randomUUID();
        String scheduleSecret = "sched-" + UUID.randomUUID();
        String name = "secretive-" + UUID.randomUUID().toString().substring(0, 8);
        JobSpec job = JobSpec.newBuilder()
                .setShell("echo \"token=${TOKEN} region=${REGION}\"; echo \"auth=$API_AUTH\" >&2;"
                        + " printf %s \"$TOKEN\" | sha256sum")
                .putEnv("API_AUTH", "Bearer ${TOKEN}")
                .putLabels("suite", name).build();
        client.templates().createTemplate(CreateTemplateRequest.newBuilder().setDefinition(TemplateDefinition.newBuilder()
                .setName(name)
                .addParameters(Parameter.newBuilder().setName("TOKEN").setType("secret").setRequired(true))
                .addParameters(Parameter.newBuilder().setName("REGION").setType("string").setDefaultValue("eu"))
                .setJob(job))
                .build());

        Job run = client.templates().runTemplate(RunTemplateRequest.newBuilder().setTemplate(name)
                .putParameters("TOKEN", secret).build());
        assertThat(client.awaitEnd(run.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        String stdout = output(run, LogStream.LOG_STREAM_STDOUT);
        assertThat(stdout).startsWith("token=*** region=eu\n")
                .as("the job got the real value").contains(sha256(secret));
        // an env value made from a secret is a secret as a whole
        assertThat(output(run, LogStream.LOG_STREAM_STDERR)).isEqualTo("auth=***\n");

        Job shown = client.get(run.getId());
        assertThat(shown.getRun().getParametersMap()).containsEntry("TOKEN", "***").containsEntry("REGION", "eu");
        assertThat(shown.getSpec().getEnvMap()).doesNotContainKeys("TOKEN", "API_AUTH").containsEntry("REGION", "eu");
        assertThat(shown.toString()).doesNotContain(secret);
        assertThat(client.events(run.getId()).toString()).doesNotContain(secret);

        // a retry gets the secret back from the encrypted copy
        Job retry = client.templates().retryRun(RetryRunRequest.newBuilder().setTemplate(name)
                .setRunNumber(run.getRun().getRunNumber()).build());
        client.awaitEnd(retry.getId());
        assertThat(output(retry, LogStream.LOG_STREAM_STDOUT)).contains(sha256(secret)).doesNotContain(secret);

        // a schedule's secret too (it never fires: "run now" only)
        Schedule schedule = client.templates().createSchedule(CreateScheduleRequest.newBuilder()
                .setName(name + "-sched").setTemplate(name).setCron("0 0 0 1 1 ? 2099")
                .putParameters("TOKEN", scheduleSecret).putParameters("REGION", "us").build());
        assertThat(schedule.getParametersMap()).containsEntry("TOKEN", "***").containsEntry("REGION", "us");
        assertThat(client.templates().getSchedule(GetScheduleRequest.newBuilder().setSchedule(schedule.getName()).build())
                .toString()).doesNotContain(scheduleSecret);
        Job scheduled = client.templates().runScheduleNow(RunScheduleNowRequest.newBuilder()
                .setSchedule(schedule.getId()).build());
        client.awaitEnd(scheduled.getId());
        assertThat(output(scheduled, LogStream.LOG_STREAM_STDOUT)).startsWith("token=*** region=us\n")
                .contains(sha256(scheduleSecret));

        // a cron fire (the route's entry point) uses the schedule's secret too
        firing.fired(schedule.getId(), Date.from(Instant.parse("2030-01-01T00:00:00Z")));
        Job fired = client.templates().listRuns(ListRunsRequest.newBuilder().setTemplate(name).setPageSize(1).build())
                .getRuns(0);
        assertThat(fired.getRun().hasScheduledFireTime()).isTrue();
        client.awaitEnd(fired.getId());
        assertThat(output(fired, LogStream.LOG_STREAM_STDOUT)).startsWith("token=*** region=us\n")
                .contains(sha256(scheduleSecret));

        // the template makes TOKEN a number: a retry or a fire would have quoted the decrypted secret in
        // "'<secret>' is not a number" (the retry's INVALID_ARGUMENT, the schedule's status) and stored it in clear
        client.templates().updateTemplate(UpdateTemplateRequest.newBuilder().setTemplate(name)
                .setDefinition(TemplateDefinition.newBuilder()
                        .addParameters(Parameter.newBuilder().setName("TOKEN").setType("number").setRequired(true))
                        .addParameters(Parameter.newBuilder().setName("REGION").setType("string").setDefaultValue("eu"))
                        .setJob(job))
                .build());
        List<String> errors = new ArrayList<>();
        for (ThrowingCallable call : List.<ThrowingCallable>of(
                () -> client.templates().retryRun(RetryRunRequest.newBuilder().setTemplate(name)
                        .setRunNumber(run.getRun().getRunNumber()).build()),
                () -> client.templates().runScheduleNow(RunScheduleNowRequest.newBuilder()
                        .setSchedule(schedule.getId()).build()))) {
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, call);
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(refused.getStatus().getDescription()).contains("parameters.TOKEN: its value was a secret");
            errors.add(refused.toString());
        }
        firing.fired(schedule.getId(), Date.from(Instant.parse("2030-01-02T00:00:00Z")));
        String reason = client.templates().getSchedule(GetScheduleRequest.newBuilder().setSchedule(schedule.getId())
                .build()).getStatusReason();
        assertThat(reason).contains("parameters.TOKEN: its value was a secret");
        errors.add(reason);

        // secret again, but the job now prints it another way: a retry must not hand the run's secret
        // to a command other than the one it was given for
        client.templates().updateTemplate(UpdateTemplateRequest.newBuilder().setTemplate(name)
                .setDefinition(TemplateDefinition.newBuilder()
                        .addParameters(Parameter.newBuilder().setName("TOKEN").setType("secret").setRequired(true))
                        .setJob(job.toBuilder().setShell("printf %s \"$TOKEN\" | base64")))
                .build());
        StatusRuntimeException changed = catchThrowableOfType(StatusRuntimeException.class, () -> client.templates()
                .retryRun(RetryRunRequest.newBuilder().setTemplate(name).setRunNumber(run.getRun().getRunNumber()).build()));
        assertThat(changed.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(changed.getStatus().getDescription()).contains("job changed");
        errors.add(changed.toString());
        StatusRuntimeException scheduleChanged = catchThrowableOfType(StatusRuntimeException.class, () -> client
                .templates().runScheduleNow(RunScheduleNowRequest.newBuilder().setSchedule(schedule.getId()).build()));
        assertThat(scheduleChanged.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(scheduleChanged.getStatus().getDescription()).contains("job changed");
        errors.add(scheduleChanged.toString());

        // everything a client can read about these runs and schedules
        StringBuilder shownToClients = new StringBuilder(String.join("\n", errors));
        shownToClients.append(client.jobs().listJobs(ListJobsRequest.newBuilder().putLabels("suite", name).build()));
        List<Job> runs = client.templates().listRuns(ListRunsRequest.newBuilder().setTemplate(name).build()).getRunsList();
        assertThat(runs).hasSize(4);
        shownToClients.append(runs);
        for (Job j : runs) shownToClients.append(client.get(j.getId())).append(client.events(j.getId()));
        shownToClients.append(client.templates().listSchedules(ListSchedulesRequest.newBuilder().setTemplate(name).build()));
        shownToClients.append(client.templates().getTemplate(GetTemplateRequest.newBuilder().setTemplate(name).build()));

        for (String s : List.of(secret, scheduleSecret)) {
            assertThat(shownToClients).as("errors, events, jobs, runs, schedules").doesNotContain(s);
            assertThat(rowsContaining(s)).as("database rows holding the secret").isEmpty();
            assertThat(filesContaining(props.home(), s)).as("files under the server's home (PostgreSQL's included)")
                    .isEmpty();
            assertThat(serverLog.getAll()).as("server log").doesNotContain(s);
        }
    }

    private String output(Job job, LogStream stream) {
        StringBuilder out = new StringBuilder();
        client.logs(job.getId()).stream().filter(c -> c.getStream() == stream)
                .forEach(c -> out.append(c.getData().toString(StandardCharsets.UTF_8)));
        return out.toString();
    }

    /** Every row of every table, as text (bytea as hex), that contains the value. */
    private List<String> rowsContaining(String value) {
        String hex = HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8));
        return jdbc.queryForList("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", String.class).stream()
                .filter(t -> {
                    Long n = jdbc.queryForObject("SELECT count(*) FROM \"" + t + "\" x WHERE x::text LIKE ? OR x::text LIKE ?",
                            Long.class, "%" + value + "%", "%" + hex + "%");
                    return n != null && n > 0;
                }).toList();
    }

    private static List<Path> filesContaining(Path root, String value) throws IOException {
        byte[] needle = value.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return indexOf(Files.readAllBytes(f), needle) >= 0;
                } catch (IOException e) {
                    return false; // a file PostgreSQL removed meanwhile
                }
            }).toList();
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
