package dev.hodei.templates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.server.HodeiProperties;
import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.CreateScheduleRequest;
import hodei.v1.CreateTemplateRequest;
import hodei.v1.GetScheduleRequest;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.LogStream;
import hodei.v1.Parameter;
import hodei.v1.RetryRunRequest;
import hodei.v1.RunScheduleNowRequest;
import hodei.v1.RunTemplateRequest;
import hodei.v1.Schedule;
import hodei.v1.TemplateDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A secret parameter reaches the job and nothing else: not the job's output, not GetJob, not the
 * events, not the server's log, not the database (its rows, nor the files PostgreSQL writes).
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretParametersIT extends ControlPlaneIT {

    @Autowired HodeiProperties props;

    @Test
    void aSecretIsUsableByTheJobAndFoundNowhereElse(CapturedOutput serverLog) throws Exception {
        String secret = "s3cr3t-" + UUID.randomUUID();
        String scheduleSecret = "sched-" + UUID.randomUUID();
        String name = "secretive-" + UUID.randomUUID().toString().substring(0, 8);
        client.templates().createTemplate(CreateTemplateRequest.newBuilder().setDefinition(TemplateDefinition.newBuilder()
                .setName(name)
                .addParameters(Parameter.newBuilder().setName("TOKEN").setType("secret").setRequired(true))
                .addParameters(Parameter.newBuilder().setName("REGION").setType("string").setDefaultValue("eu"))
                .setJob(JobSpec.newBuilder()
                        .setShell("echo \"token=${TOKEN} region=${REGION}\"; echo \"auth=$API_AUTH\" >&2;"
                                + " printf %s \"$TOKEN\" | sha256sum")
                        .putEnv("API_AUTH", "Bearer ${TOKEN}")))
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

        for (String s : List.of(secret, scheduleSecret)) {
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
