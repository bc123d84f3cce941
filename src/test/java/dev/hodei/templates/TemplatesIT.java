package dev.hodei.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.CreateTemplateRequest;
import hodei.v1.DeleteTemplateRequest;
import hodei.v1.GetTemplateRequest;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.ListRunsRequest;
import hodei.v1.ListTemplatesRequest;
import hodei.v1.Parameter;
import hodei.v1.RetryRunRequest;
import hodei.v1.RunTemplateRequest;
import hodei.v1.SetTemplateStatusRequest;
import hodei.v1.Template;
import hodei.v1.TemplateDefinition;
import hodei.v1.TemplateStats;
import hodei.v1.TemplateStatus;
import hodei.v1.Trigger;
import hodei.v1.UpdateTemplateRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Templates end to end: versions, typed parameters, runs and their numbers, statistics, lifecycle. */
class TemplatesIT extends ControlPlaneIT {

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Parameter param(String name, String type) {
        return Parameter.newBuilder().setName(name).setType(type).build();
    }

    Template create(TemplateDefinition def) {
        return client.templates().createTemplate(CreateTemplateRequest.newBuilder().setDefinition(def).build());
    }

    Job run(String template, Map<String, String> params) {
        return client.templates().runTemplate(RunTemplateRequest.newBuilder().setTemplate(template)
                .putAllParameters(params).build());
    }

    @Test
    void referencesAndKeysLongerThanAnyAreRefusedBeforeAnyLookup() {
        String name = unique("bounded");
        create(TemplateDefinition.newBuilder().setName(name).setJob(JobSpec.newBuilder().setShell("true")).build());
        String huge = "t".repeat(1024 * 1024);
        record Case(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String expected) {}
        List<Case> cases = List.of(
                new Case(() -> run(huge, Map.of()), "template: longer than 100 characters (an id or a name)"),
                new Case(() -> client.templates().getTemplate(GetTemplateRequest.newBuilder().setTemplate(huge).build()),
                        "template: longer than 100 characters (an id or a name)"),
                new Case(() -> client.templates().listRuns(ListRunsRequest.newBuilder().setTemplate(huge).build()),
                        "template: longer than 100 characters (an id or a name)"),
                new Case(() -> client.templates().runTemplate(RunTemplateRequest.newBuilder().setTemplate(name)
                        .setIdempotencyKey(huge).build()), "idempotency_key: longer than 200 characters"));
        for (Case c : cases) {
            assertThatThrownBy(c.call()).as(c.expected()).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).isEqualTo(c.expected());
            });
        }
        assertThat(client.templates().listRuns(ListRunsRequest.newBuilder().setTemplate(name).build()).getRunsList())
                .as("no run made").isEmpty();
    }

    String output(Job job) {
        StringBuilder out = new StringBuilder();
        client.logs(job.getId()).forEach(c -> out.append(c.getData().toString(StandardCharsets.UTF_8)));
        return out.toString();
    }

    @Test
    void aRunKeepsTheVersionItWasCreatedFromAfterAnUpdate() {
        String name = unique("versioned");
        create(TemplateDefinition.newBuilder().setName(name)
                .addParameters(param("WHO", "string").toBuilder().setDefaultValue("world"))
                .setJob(JobSpec.newBuilder().setShell("echo \"v1 hello ${WHO}\"")).build());
        Job first = run(name, Map.of());
        assertThat(first.getRun().getRunNumber()).isEqualTo(1);
        assertThat(first.getRun().getTemplateVersion()).isEqualTo(1);
        assertThat(first.getRun().getTrigger()).isEqualTo(Trigger.TRIGGER_API);

        Template v2 = client.templates().updateTemplate(UpdateTemplateRequest.newBuilder().setTemplate(name)
                .setDefinition(TemplateDefinition.newBuilder()
                        .addParameters(param("WHO", "string").toBuilder().setDefaultValue("there"))
                        .setJob(JobSpec.newBuilder().setShell("echo \"v2 hi ${WHO}\""))).build());
        assertThat(v2.getVersion()).isEqualTo(2);
        assertThat(v2.getLatestVersion()).isEqualTo(2);

        Job second = client.templates().runTemplate(RunTemplateRequest.newBuilder().setTemplate(v2.getId())
                .setTrigger(Trigger.TRIGGER_MANUAL).setTriggeredBy("alice").build());
        assertThat(second.getRun().getRunNumber()).isEqualTo(2);
        assertThat(second.getRun().getTemplateVersion()).isEqualTo(2);
        assertThat(second.getRun().getTrigger()).isEqualTo(Trigger.TRIGGER_MANUAL);
        assertThat(second.getRun().getTriggeredBy()).isEqualTo("alice");

        assertThat(output(first)).isEqualTo("v1 hello world\n");
        assertThat(output(second)).isEqualTo("v2 hi there\n");
        // the first run still says, and still is, version 1
        Job firstAgain = client.get(first.getId());
        assertThat(firstAgain.getRun().getTemplateVersion()).isEqualTo(1);
        assertThat(firstAgain.getSpec().getShell()).contains("v1 hello");
        Template v1 = client.templates().getTemplate(GetTemplateRequest.newBuilder().setTemplate(name).setVersion(1).build());
        assertThat(v1.getDefinition().getJob().getShell()).contains("v1 hello");
        assertThat(v1.getLatestVersion()).isEqualTo(2);

        List<Job> runs = client.templates().listRuns(ListRunsRequest.newBuilder().setTemplate(name).build()).getRunsList();
        assertThat(runs).extracting(j -> j.getRun().getRunNumber()).containsExactly(2L, 1L);
        var page1 = client.templates().listRuns(ListRunsRequest.newBuilder().setTemplate(name).setPageSize(1).build());
        var page2 = client.templates().listRuns(ListRunsRequest.newBuilder().setTemplate(name).setPageSize(1)
                .setPageToken(page1.getNextPageToken()).build());
        assertThat(page1.getRuns(0).getRun().getRunNumber()).isEqualTo(2);
        assertThat(page2.getRuns(0).getRun().getRunNumber()).isEqualTo(1);
        assertThat(page2.getNextPageToken()).isEmpty();
        assertThat(runs).extracting(j -> j.getRun().getTemplateVersion()).containsExactly(2, 1);

        // a retry of run 1 uses its parameters on the current version
        Job retry = client.templates().retryRun(RetryRunRequest.newBuilder().setTemplate(name).setRunNumber(1).build());
        assertThat(retry.getRun().getTrigger()).isEqualTo(Trigger.TRIGGER_RETRY);
        assertThat(retry.getRun().getTriggeredBy()).startsWith("retry of run 1");
        assertThat(retry.getRun().getRunNumber()).isEqualTo(3);
        assertThat(output(retry)).isEqualTo("v2 hi world\n");
    }

    @Test
    void everyParameterTypeIsValidatedAndAnInvalidRunCreatesNothing() {
        String name = unique("typed");
        create(TemplateDefinition.newBuilder().setName(name)
                .addParameters(param("BRANCH", "string").toBuilder().setPattern("[a-z][a-z0-9-]*").setRequired(true))
                .addParameters(param("COUNT", "number").toBuilder().setMin(1).setMax(10).setDefaultValue("3"))
                .addParameters(param("VERBOSE", "boolean").toBuilder().setDefaultValue("false"))
                .addParameters(param("ENV", "choice").toBuilder().addChoices("dev").addChoices("prod").setDefaultValue("dev"))
                .addParameters(param("TOKEN", "secret").toBuilder().setPattern("tok-[0-9]+"))
                .setJob(JobSpec.newBuilder().setArgv(hodei.v1.ArgvCommand.newBuilder()
                        .addArgs("echo").addArgs("${BRANCH}").addArgs("${COUNT}").addArgs("${VERBOSE}").addArgs("${ENV}")))
                .build());

        record Case(Map<String, String> params, String expected) {}
        List<Case> cases = List.of(
                new Case(Map.of(), "parameters.BRANCH: required"),
                new Case(Map.of("BRANCH", "Main!"), "parameters.BRANCH: 'Main!' does not match the pattern"),
                new Case(Map.of("BRANCH", "main", "COUNT", "lots"), "parameters.COUNT: 'lots' is not a number"),
                new Case(Map.of("BRANCH", "main", "COUNT", "0"), "parameters.COUNT: 0 is less than the minimum 1"),
                new Case(Map.of("BRANCH", "main", "COUNT", "11"), "parameters.COUNT: 11 is more than the maximum 10"),
                new Case(Map.of("BRANCH", "main", "VERBOSE", "maybe"), "parameters.VERBOSE: 'maybe' is not a boolean"),
                new Case(Map.of("BRANCH", "main", "ENV", "staging"), "parameters.ENV: 'staging' is not one of dev, prod"),
                new Case(Map.of("BRANCH", "main", "TOKEN", "hunter2"), "parameters.TOKEN: does not match the pattern"),
                new Case(Map.of("BRANCH", "main", "COLOR", "red"), "parameters.COLOR: not a parameter of template"));
        for (Case c : cases) {
            assertThatThrownBy(() -> run(name, c.params()))
                    .as("%s", c.params())
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription()).contains(c.expected());
                    });
        }
        // a secret's value is never quoted back
        assertThatThrownBy(() -> run(name, Map.of("BRANCH", "main", "TOKEN", "hunter2")))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        assertThat(client.templates().listRuns(ListRunsRequest.newBuilder().setTemplate(name).build()).getRunsList())
                .as("runs of " + name).isEmpty();

        Job ok = run(name, Map.of("BRANCH", "feature-1", "COUNT", "10", "VERBOSE", "TRUE", "ENV", "prod", "TOKEN", "tok-42"));
        assertThat(ok.getRun().getRunNumber()).as("refused runs take no number").isEqualTo(1);
        assertThat(output(ok)).isEqualTo("feature-1 10 true prod\n");
        assertThat(ok.getRun().getParametersMap()).containsEntry("TOKEN", "***").containsEntry("VERBOSE", "true");
    }

    @Test
    void aBadDefinitionIsRefusedNamingTheField() {
        record Case(TemplateDefinition def, String expected) {}
        JobSpec echo = JobSpec.newBuilder().setShell("echo hi").build();
        List<Case> cases = List.of(
                new Case(TemplateDefinition.newBuilder().setName("has space").setJob(echo).build(), "definition.name"),
                new Case(TemplateDefinition.newBuilder().setName(unique("nojob")).build(), "definition.job: missing"),
                new Case(TemplateDefinition.newBuilder().setName(unique("t")).setJob(echo)
                        .addParameters(param("X", "colour")).build(), "definition.parameters[0] (X).type"),
                new Case(TemplateDefinition.newBuilder().setName(unique("t")).setJob(echo)
                        .addParameters(param("PW", "secret").toBuilder().setDefaultValue("x")).build(),
                        "definition.parameters[0] (PW).default: a secret has no default"),
                new Case(TemplateDefinition.newBuilder().setName(unique("t")).setJob(echo)
                        .addParameters(param("N", "number").toBuilder().setDefaultValue("ten")).build(),
                        "definition.parameters[0] (N).default: 'ten' is not a number"),
                new Case(TemplateDefinition.newBuilder().setName(unique("t")).setJob(echo)
                        .addParameters(param("C", "choice")).build(), "definition.parameters[0] (C).choices"),
                new Case(TemplateDefinition.newBuilder().setName(unique("t")).setJob(JobSpec.newBuilder()
                        .setArgv(hodei.v1.ArgvCommand.newBuilder().addArgs("echo").addArgs("${NOPE}"))).build(),
                        "definition.job.argv.args[1]: ${NOPE} is not a declared parameter"),
                new Case(TemplateDefinition.newBuilder().setName(unique("t")).addParameters(param("PW", "secret"))
                        .setJob(JobSpec.newBuilder().setArgv(hodei.v1.ArgvCommand.newBuilder().addArgs("echo").addArgs("${PW}")))
                        .build(), "definition.job.argv.args[1]: the secret ${PW} may only be used in a shell command"),
                new Case(TemplateDefinition.newBuilder().setName(unique("t"))
                        .setJob(JobSpec.newBuilder().setShell("echo").setRunTimeoutSeconds(-1)).build(),
                        "definition.job.run_timeout_seconds"),
                new Case(TemplateDefinition.newBuilder().setName(unique("t")).setJob(echo)
                        .addParameters(param("REF", "string").toBuilder().setPattern("(a+)\\1")).build(),
                        "definition.parameters[0] (REF).pattern: not a regular expression RE2 accepts"),
                new Case(TemplateDefinition.newBuilder().setName(unique("t")).setJob(echo)
                        .setDescription("d".repeat(4097)).build(), "definition.description: longer than 4096 characters"),
                new Case(TemplateDefinition.newBuilder().setName(unique("t")).addParameters(param("DIR", "string"))
                        .setJob(echo.toBuilder().setWorkingDir("/data/${DIR}/../..")).build(),
                        "definition.job.working_dir: must not contain '.' or '..' segments"));
        for (Case c : cases) {
            assertThatThrownBy(() -> create(c.def())).as(c.expected())
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription()).contains(c.expected());
                    });
        }
        // an update is checked the same way
        String updated = unique("updated");
        create(TemplateDefinition.newBuilder().setName(updated).setJob(echo).build());
        assertThatThrownBy(() -> client.templates().updateTemplate(UpdateTemplateRequest.newBuilder().setTemplate(updated)
                .setDefinition(TemplateDefinition.newBuilder().setJob(echo)
                        .addParameters(param("REF", "string").toBuilder().setPattern("(a)\\1"))).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("definition.parameters[0] (REF).pattern");
                });
        String taken = unique("taken");
        create(TemplateDefinition.newBuilder().setName(taken).setJob(echo).build());
        assertThatThrownBy(() -> create(TemplateDefinition.newBuilder().setName(taken).setJob(echo).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
    }

    @Test
    void statisticsCountSuccessesFailuresAndDurations() {
        String name = unique("stats");
        create(TemplateDefinition.newBuilder().setName(name)
                .addParameters(param("CODE", "number").toBuilder().setDefaultValue("0"))
                .setJob(JobSpec.newBuilder().setShell("sleep 0.2; exit \"$CODE\"").setMaxAttempts(1)).build());
        for (String code : List.of("0", "1", "0", "2", "0")) {
            client.awaitEnd(run(name, Map.of("CODE", code)).getId());
        }
        TemplateStats stats = client.templates().getTemplate(GetTemplateRequest.newBuilder().setTemplate(name).build())
                .getStats();
        assertThat(stats.getRuns()).isEqualTo(5);
        assertThat(stats.getSucceeded()).isEqualTo(3);
        assertThat(stats.getFailed()).isEqualTo(2);
        assertThat(stats.getActive()).isZero();
        assertThat(stats.getSuccessRate()).isEqualTo(0.6);
        assertThat(stats.getLastRunNumber()).isEqualTo(5);
        assertThat(stats.getLastRunState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(stats.getDurationMedianSeconds()).isGreaterThanOrEqualTo(0.2);
        assertThat(stats.getDurationP95Seconds()).isGreaterThanOrEqualTo(stats.getDurationMedianSeconds());
    }

    @Test
    void disabledArchivedAndDeletedTemplatesBehave() {
        String name = unique("life");
        create(TemplateDefinition.newBuilder().setName(name).putLabels("suite", name)
                .setJob(JobSpec.newBuilder().setShell("sleep 60")).build());
        setStatus(name, TemplateStatus.TEMPLATE_STATUS_DISABLED);
        assertThatThrownBy(() -> run(name, Map.of())).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        setStatus(name, TemplateStatus.TEMPLATE_STATUS_ARCHIVED);
        assertThat(client.templates().listTemplates(ListTemplatesRequest.newBuilder().putLabels("suite", name).build())
                .getTemplatesList()).isEmpty();
        assertThat(client.templates().listTemplates(ListTemplatesRequest.newBuilder().putLabels("suite", name)
                .addStatuses(TemplateStatus.TEMPLATE_STATUS_ARCHIVED).build()).getTemplatesList())
                .extracting(Template::getName).containsExactly(name);
        setStatus(name, TemplateStatus.TEMPLATE_STATUS_ACTIVE);

        // paging by name, filtered by label
        for (String sibling : List.of(name + "-b", name + "-c")) {
            create(TemplateDefinition.newBuilder().setName(sibling).putLabels("suite", name)
                    .setJob(JobSpec.newBuilder().setShell("true")).build());
        }
        var first = client.templates().listTemplates(ListTemplatesRequest.newBuilder().putLabels("suite", name)
                .setPageSize(2).build());
        var rest = client.templates().listTemplates(ListTemplatesRequest.newBuilder().putLabels("suite", name)
                .setPageSize(2).setPageToken(first.getNextPageToken()).build());
        assertThat(first.getTemplatesList()).extracting(Template::getName).containsExactly(name, name + "-b");
        assertThat(rest.getTemplatesList()).extracting(Template::getName).containsExactly(name + "-c");
        assertThat(rest.getNextPageToken()).isEmpty();

        Job running = run(name, Map.of());
        await("run started").atMost(Duration.ofSeconds(30)).until(
                () -> client.get(running.getId()).getState() == JobState.JOB_STATE_RUNNING);
        assertThatThrownBy(() -> client.templates().deleteTemplate(DeleteTemplateRequest.newBuilder().setTemplate(name).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).contains("1 run(s)").contains("force");
                });
        assertThat(client.templates().deleteTemplate(DeleteTemplateRequest.newBuilder().setTemplate(name).setForce(true)
                .build()).getCancelledRuns()).isEqualTo(1);
        Job ended = client.awaitEnd(running.getId());
        assertThat(ended.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(ended.getRun().getTemplateName()).as("history stays").isEqualTo(name);
        assertThatThrownBy(() -> client.templates().getTemplate(GetTemplateRequest.newBuilder().setTemplate(name).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    private void setStatus(String name, TemplateStatus status) {
        client.templates().setTemplateStatus(SetTemplateStatusRequest.newBuilder().setTemplate(name).setStatus(status).build());
    }
}
