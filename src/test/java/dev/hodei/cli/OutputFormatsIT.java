package dev.hodei.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.hodei.server.HodeiProperties;
import dev.hodei.testing.CliProcess;
import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.ApiToken;
import hodei.v1.CreateScheduleRequest;
import hodei.v1.CreateTemplateRequest;
import hodei.v1.GetJobRequest;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.ListAuditResponse;
import hodei.v1.ListJobsResponse;
import hodei.v1.ListRunsResponse;
import hodei.v1.ListSchedulesResponse;
import hodei.v1.ListTemplatesResponse;
import hodei.v1.ListTokensResponse;
import hodei.v1.Queue;
import hodei.v1.RunTemplateRequest;
import hodei.v1.Schedule;
import hodei.v1.Template;
import hodei.v1.TemplateDefinition;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every read command's {@code -o json} and {@code -o yaml} is the API's message in the proto JSON
 * mapping: parsed back with protobuf's own parser it equals what the API returns. And the shell
 * completion scripts are generated from the command model.
 */
class OutputFormatsIT extends ControlPlaneIT {

    @Autowired HodeiProperties props;

    @Test
    void everyReadCommandPrintsTheApisMessageAsJsonAndYaml() throws Exception {
        CliProcess cli = new CliProcess(grpc.port(), props.home());
        Job job = client.awaitEnd(client.submit(JobSpec.newBuilder().setShell("echo formats").build()).getId());
        String name = "formats-" + UUID.randomUUID().toString().substring(0, 8);
        client.templates().createTemplate(CreateTemplateRequest.newBuilder().setDefinition(TemplateDefinition.newBuilder()
                .setName(name).setJob(JobSpec.newBuilder().setShell("true"))).build());
        client.awaitEnd(client.templates().runTemplate(RunTemplateRequest.newBuilder().setTemplate(name).build()).getId());
        String schedule = client.templates().createSchedule(CreateScheduleRequest.newBuilder().setName(name)
                .setTemplate(name).setCron("0 0 0 1 1 ? 2099").build()).getName();

        for (String format : new String[] {"json", "yaml"}) {
            Job got = parse(cli, Job.getDefaultInstance(), format, "job", "get", job.getId());
            assertThat(got).isEqualTo(client.jobs().getJob(GetJobRequest.newBuilder().setId(job.getId()).build()));
            assertThat(parse(cli, ListJobsResponse.getDefaultInstance(), format, "job", "list").getJobsList())
                    .extracting(Job::getId).contains(job.getId());
            assertThat(parse(cli, Queue.getDefaultInstance(), format, "queue").getProvidersList()).isNotEmpty();
            assertThat(parse(cli, Template.getDefaultInstance(), format, "template", "get", name).getName()).isEqualTo(name);
            assertThat(parse(cli, ListTemplatesResponse.getDefaultInstance(), format, "template", "list").getTemplatesList())
                    .extracting(Template::getName).contains(name);
            assertThat(parse(cli, ListRunsResponse.getDefaultInstance(), format, "template", "runs", name).getRunsList()).hasSize(1);
            assertThat(parse(cli, Schedule.getDefaultInstance(), format, "schedule", "get", schedule).getCron())
                    .isEqualTo("0 0 0 1 1 ? 2099");
            assertThat(parse(cli, ListSchedulesResponse.getDefaultInstance(), format, "schedule", "list").getSchedulesList())
                    .extracting(Schedule::getName).contains(schedule);
            assertThat(parse(cli, ListTokensResponse.getDefaultInstance(), format, "token", "list").getTokensList()).isNotEmpty();
            assertThat(parse(cli, ApiToken.getDefaultInstance(), format, "token", "whoami").getName()).startsWith("local-admin");
            parse(cli, ListAuditResponse.getDefaultInstance(), format, "audit");
        }

        CliProcess.Result wide = cli.run("job", "list", "-o", "wide");
        assertThat(wide.exit()).as(wide.err()).isZero();
        assertThat(wide.out()).contains("PROVIDER", "NAMESPACE", job.getId());
    }

    @Test
    void jobListWatchPrintsEachChangeOnceAsARowOrAJsonLine() throws Exception {
        CliProcess cli = new CliProcess(grpc.port(), props.home());
        String label = "watch-" + UUID.randomUUID().toString().substring(0, 8);
        try (CliProcess.Running table = cli.start("job", "list", "-w", "--interval", "1", "-l", "watch=" + label);
                CliProcess.Running json = cli.start("job", "list", "--watch", "--interval", "1", "-o", "json",
                        "-l", "watch=" + label)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !table.lines().isEmpty());
            assertThat(table.lines().get(0)).startsWith("ID").contains("STATE", "COMMAND");
            String id = client.submit(JobSpec.newBuilder().setShell("sleep 1").putLabels("watch", label).build()).getId();
            client.awaitEnd(id);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(table.lines()).anySatisfy(l -> assertThat(l).startsWith(id).contains("SUCCEEDED"));
                assertThat(json.lines()).anySatisfy(l -> assertThat(l).contains("SUCCEEDED"));
            });
            // a job is printed again only when it changed: once finished, never more
            int rows = table.lines().size();
            List<String> before = json.lines();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> table.lines().size() == rows && json.lines().size() == before.size());
            assertThat(table.lines().stream().filter(l -> l.startsWith(id) && l.contains("SUCCEEDED"))).hasSize(1);
            for (String line : json.lines()) {
                Job.Builder job = Job.newBuilder();
                JsonFormat.parser().merge(line, job);
                assertThat(job.getId()).isEqualTo(id);
            }
        }
    }

    @Test
    void completionScriptsAreGeneratedFromTheCommands() throws Exception {
        CliProcess cli = new CliProcess(grpc.port(), props.home());
        CliProcess.Result bash = cli.run("completion", "bash");
        assertThat(bash.exit()).as(bash.err()).isZero();
        assertThat(bash.out()).contains("complete -F _complete_hodei", "_picocli_hodei_job_logs", "--attempt",
                "_picocli_hodei_template_run");
        CliProcess.Result zsh = cli.run("completion", "zsh");
        assertThat(zsh.exit()).as(zsh.err()).isZero();
        assertThat(zsh.out()).startsWith("autoload -U +X compinit").contains("bashcompinit", "_complete_hodei");
        // bash itself accepts the script and registers it
        Process p = new ProcessBuilder("bash", "-c", "source /dev/stdin && complete -p hodei").redirectErrorStream(true).start();
        p.getOutputStream().write(bash.out().getBytes());
        p.getOutputStream().close();
        String registered = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(registered).isZero();
        assertThat(registered).contains("_complete_hodei hodei");
    }

    @SuppressWarnings("unchecked")
    private static <M extends Message> M parse(CliProcess cli, M prototype, String format, String... command)
            throws Exception {
        String[] args = new String[command.length + 2];
        System.arraycopy(command, 0, args, 0, command.length);
        args[command.length] = "-o";
        args[command.length + 1] = format;
        CliProcess.Result r = cli.run(args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
        String json = format.equals("json") ? r.out() : new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(r.out()));
        Message.Builder into = prototype.newBuilderForType();
        JsonFormat.parser().merge(json, into);
        return (M) into.build();
    }
}
