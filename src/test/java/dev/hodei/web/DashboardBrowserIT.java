package dev.hodei.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hodei.testing.CliProcess;
import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.CancelJobRequest;
import hodei.v1.CreateScheduleRequest;
import hodei.v1.CreateTemplateRequest;
import hodei.v1.CreateTokenRequest;
import hodei.v1.GetScheduleRequest;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import hodei.v1.Parameter;
import hodei.v1.Role;
import hodei.v1.TemplateDefinition;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard as a person uses it, in Debian's headless Chromium driven by playwright-core
 * (src/test/js/dashboard-check.mjs): sign in, a CLI job appearing and finishing live, live output
 * and timeline, cancel, a template's run form refusing a value then running, a schedule paused,
 * capacity, phone width, and a viewer who sees but cannot cancel. The screenshots it takes are
 * those under docs/screenshots. CI installs Chromium and playwright-core (.ci/run); elsewhere
 * the test is skipped when they are missing.
 */
class DashboardBrowserIT extends ControlPlaneIT {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("HODEI_CHROMIUM", "/usr/bin/chromium"));
    static final Path PLAYWRIGHT = Path.of(System.getenv().getOrDefault("HODEI_PLAYWRIGHT_CORE",
            Path.of(System.getProperty("user.home"), ".cache", "hodei-ci", "playwright-core-1.64.1", "node_modules",
                    "playwright-core").toString()));

    @LocalServerPort int httpPort;

    @Test
    void aPersonFollowsJobsRunsATemplateAndCancelsWhatTheirRoleAllows() throws Exception {
        boolean ready = Files.isExecutable(CHROMIUM) && Files.isDirectory(PLAYWRIGHT);
        if (System.getenv("CI") != null) {
            assertThat(ready).as("CI needs %s and %s (.ci/run installs them)", CHROMIUM, PLAYWRIGHT).isTrue();
        }
        Assumptions.assumeTrue(ready, "Chromium or playwright-core missing; .ci/run installs them");

        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String admin = client.tokens().createToken(CreateTokenRequest.newBuilder().setName("dash-admin-" + suffix)
                .setRole(Role.ROLE_ADMIN).build()).getSecret();
        String viewer = client.tokens().createToken(CreateTokenRequest.newBuilder().setName("dash-viewer-" + suffix)
                .setRole(Role.ROLE_VIEWER).addNamespaces("*").build()).getSecret();
        String template = "deploy-" + suffix;
        client.templates().createTemplate(CreateTemplateRequest.newBuilder().setDefinition(TemplateDefinition.newBuilder()
                .setName(template).setDescription("Deploys, counting")
                .addParameters(Parameter.newBuilder().setName("count").setType("number").setMin(1).setMax(5).setRequired(true))
                .addParameters(Parameter.newBuilder().setName("mode").setType("choice").addChoices("fast").addChoices("slow")
                        .setDefaultValue("fast"))
                .addParameters(Parameter.newBuilder().setName("verbose").setType("boolean").setDefaultValue("false"))
                .addParameters(Parameter.newBuilder().setName("password").setType("secret").setRequired(true))
                .setJob(JobSpec.newBuilder().setShell("echo deploying $count $mode $verbose"))).build());
        String schedule = "nightly-" + suffix;
        client.templates().createSchedule(CreateScheduleRequest.newBuilder().setName(schedule).setTemplate(template)
                .setCron("0 0 2 * * ?").setTimeZone("Europe/Madrid")
                .putAllParameters(Map.of("count", "1", "password", "s3cret-value")).build());

        Path screenshots = Files.createDirectories(Path.of("target", "dashboard-screenshots")).toAbsolutePath();
        ObjectMapper json = new ObjectMapper();
        String config = json.writeValueAsString(Map.of(
                "base", "http://127.0.0.1:" + httpPort, "grpc", "127.0.0.1:" + grpc.port(),
                "adminToken", admin, "viewerToken", viewer, "template", template, "schedule", schedule,
                "cli", CliProcess.hodei(), "screenshots", screenshots.toString(),
                "chromium", CHROMIUM.toString(), "playwright", PLAYWRIGHT.toString()));
        File log = Files.createTempFile("dashboard-check", ".log").toFile();
        ProcessBuilder pb = new ProcessBuilder("node", Path.of("src", "test", "js", "dashboard-check.mjs").toString())
                .redirectErrorStream(true).redirectOutput(log);
        pb.environment().put("HODEI_DASHBOARD_CHECK", config);
        Process node = pb.start();
        String output;
        try {
            boolean ended = node.waitFor(8, TimeUnit.MINUTES);
            output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
            assertThat(ended).as("the browser check ended; so far:%n%s", output).isTrue();
        } finally {
            // the browser is node's child: ending node's tree leaves no Chromium behind, also on failure
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
            log.delete();
        }
        System.out.println(output);
        assertThat(node.exitValue()).as("browser check:%n%s", output).isZero();

        // what the page showed is what the server holds
        JsonNode result = json.readTree(output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow().substring("RESULT ".length()));
        var cancelled = client.get(result.get("cancelled").asText());
        assertThat(cancelled.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(cancelled.getCancelledBy()).isEqualTo("dash-admin-" + suffix);
        var watched = result.get("viewerWatched").asText();
        assertThat(client.get(watched).getState()).as("the viewer's cancel changed nothing")
                .isEqualTo(JobState.JOB_STATE_RUNNING);
        assertThat(client.templates().getSchedule(GetScheduleRequest.newBuilder().setSchedule(schedule).build())
                .getEnabled()).as("paused from the page").isFalse();
        assertThat(Files.list(screenshots).map(p -> p.getFileName().toString()).toList())
                .contains("dashboard-jobs.png", "dashboard-job.png", "dashboard-template.png", "dashboard-schedules.png",
                        "dashboard-capacity.png", "dashboard-sign-in.png");
        client.jobs().cancelJob(CancelJobRequest.newBuilder().setId(watched).build());
        await().atMost(Duration.ofSeconds(60)).until(() -> client.get(watched).getState() == JobState.JOB_STATE_CANCELLED);
    }
}
