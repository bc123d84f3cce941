package dev.hodei.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.hodei.testing.Docker;
import hodei.v1.Job;
import hodei.v1.JobSpec;
import hodei.v1.JobState;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The shipped example routes, loaded from disk, against the real lifecycle. */
class ExampleRoutesIT extends IntegratorRouteTestBase {

    static final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    static final HttpServer webhook = startWebhook();

    @Autowired IntegratorRoutes integratorRoutes;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        routes(registry);
        registry.add("hodei.example.webhook-url", () -> "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook");
        registry.add("hodei.jobs.provider-policy", () -> "direct:gpu-provider-policy");
    }

    @AfterAll
    static void stopWebhook() {
        webhook.stop(0);
    }

    @Test
    void aFailedJobIsPostedToTheWebhook() throws Exception {
        NotifyBuilder notified = new NotifyBuilder(camel).fromRoute("notify-failures-webhook").whenCompleted(2).create();
        Job ok = client.awaitEnd(client.submit("true").getId());
        Job failed = client.awaitEnd(client.submit(JobSpec.newBuilder().setShell("exit 3").setName("nightly").build()).getId());

        assertThat(notified.matches(20, TimeUnit.SECONDS)).as("both finished events went through the route").isTrue();
        String body = received.poll(10, TimeUnit.SECONDS);
        assertThat(body).as("webhook call").isNotNull();
        JsonNode json = new ObjectMapper().readTree(body);
        assertThat(json.get("event").asText()).isEqualTo("job-finished");
        assertThat(json.get("jobId").asText()).isEqualTo(failed.getId());
        assertThat(json.get("state").asText()).isEqualTo("FAILED");
        assertThat(json.get("exitCode").asInt()).isEqualTo(3);
        assertThat(json.get("name").asText()).isEqualTo("nightly");
        assertThat(received).as("no call for the job that succeeded " + ok.getId()).isEmpty();
    }

    @Test
    void thePolicyRouteChoosesTheProviderForJobsThatNameNone() {
        Job gpu = client.awaitEnd(client.submit(JobSpec.newBuilder().setShell("echo on a gpu node")
                .putLabels("gpu", "true").build()).getId());
        Job plain = client.awaitEnd(client.submit(JobSpec.newBuilder().setShell("true").build()).getId());
        Job explicit = client.awaitEnd(client.submit(JobSpec.newBuilder().setShell("true").setProvider("process")
                .putLabels("gpu", "true").build()).getId());

        assertThat(gpu.getProvider()).isEqualTo("kubernetes");
        assertThat(gpu.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(plain.getProvider()).isEqualTo("process");
        assertThat(explicit.getProvider()).as("a job that names its provider is not re-routed").isEqualTo("process");
    }

    @Test
    void thePolicyCanSendJobsToDocker() {
        Docker.require();
        Job job = client.awaitEnd(client.submit(JobSpec.newBuilder().setShell("true")
                .putLabels("isolation", "container").build()).getId());
        assertThat(job.getProvider()).isEqualTo("docker");
        assertThat(job.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void brokenRouteFilesAreReportedAndTheLifecycleRunsRegardless() {
        assertThat(integratorRoutes.broken()).containsOnlyKeys(
                Path.of(ROUTES.toString(), "zz-bad-endpoint.yaml"), Path.of(ROUTES.toString(), "zz-not-yaml.yaml"));
        assertThat(integratorRoutes.broken().get(Path.of(ROUTES.toString(), "zz-bad-endpoint.yaml")))
                .contains("no-such-component");
        assertThat(camel.getRoute("bad-endpoint")).isNull();
        assertThat(camel.getRoute("notify-failures-webhook")).isNotNull();
        assertThat(client.awaitEnd(client.submit("true").getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void everyLifecycleEventReachesAConsumer() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(LifecycleEvents.CONSUMER_URI).routeId("test-events").to("mock:events");
            }
        });
        MockEndpoint events = camel.getEndpoint("mock:events", MockEndpoint.class);
        try {
            Job job = client.awaitEnd(client.submit("echo hi").getId());
            events.expectedMinimumMessageCount(4);
            events.assertIsSatisfied(20_000);
            List<String> ofJob = events.getExchanges().stream()
                    .filter(e -> job.getId().equals(e.getMessage().getHeader("hodeiJobId")))
                    .map(e -> e.getMessage().getHeader("hodeiEvent", String.class)).toList();
            assertThat(ofJob).containsSubsequence("job-submitted", "job-started", "job-finished");
            org.apache.camel.test.junit5.TestSupport.assertIsInstanceOf(java.util.Map.class,
                    events.getExchanges().get(0).getMessage().getBody());
            await("worker-destroyed event").atMost(java.time.Duration.ofSeconds(10)).until(
                    () -> events.getExchanges().stream().anyMatch(e -> "worker-destroyed".equals(
                            e.getMessage().getHeader("hodeiEvent")) && job.getId().equals(e.getMessage().getHeader("hodeiJobId"))));
        } finally {
            camel.getRouteController().stopRoute("test-events");
            camel.removeRoute("test-events");
        }
    }

    private static HttpServer startWebhook() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", exchange -> {
                received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
