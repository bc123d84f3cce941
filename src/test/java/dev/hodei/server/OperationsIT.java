package dev.hodei.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.Eventually;
import dev.hodei.testing.TestClient;
import hodei.v1.JobState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** What operators see over HTTP: metrics, health, and a Hawtio console behind a login. */
class OperationsIT extends ControlPlaneIT {

    @LocalServerPort int http;

    @Test
    void prometheusHasTheHodeiAndCamelMetricsAfterAJob() {
        try (TestClient client = new TestClient(grpc.port())) {
            assertThat(client.awaitEnd(client.submit("true").getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        }
        Eventually.within(Duration.ofSeconds(10), "process destroy counted",
                () -> value(get("/actuator/prometheus", null).body(), "hodei_workers_destroyed_immediate_total\\{provider=\"process\"}") >= 1);
        String metrics = get("/actuator/prometheus", null).body();

        assertThat(value(metrics, "hodei_jobs_total\\{state=\"SUCCEEDED\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(metrics, "hodei_jobs_total\\{state=\"PENDING\"}"))
                .isGreaterThanOrEqualTo(value(metrics, "hodei_jobs_total\\{state=\"SUCCEEDED\"}"));
        assertThat(value(metrics, "hodei_job_start_latency_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(value(metrics, "hodei_job_start_latency_seconds_max")).isBetween(0.0, 60.0);
        assertThat(value(metrics, "hodei_worker_provisioning_seconds_count\\{provider=\"process\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(metrics, "hodei_worker_destruction_latency_seconds_max\\{provider=\"process\"}")).isBetween(0.0, 10.0);
        assertThat(value(metrics, "hodei_job_queue_depth")).isGreaterThanOrEqualTo(0);
        assertThat(metrics).contains("routeId=\"job-completed\"");
    }

    @Test
    void readinessReportsTheDatabaseAndTheProviders() {
        HttpResponse<String> ready = get("/actuator/health/readiness", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"db\":{\"status\":\"UP\"").contains("\"providers\":{\"status\":\"UP\"")
                .contains("\"broken\":\"DOWN: cannot reach the provider daemon");
        assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
    }

    @Test
    void hawtioNeedsALogin() {
        assertThat(get("/actuator/hawtio/", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/jolokia/version", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/hawtio/", "admin:wrong").statusCode()).isEqualTo(401);
        assertThat(get("/actuator/hawtio/", "admin:test-secret").statusCode()).isEqualTo(200);
        HttpResponse<String> routes = get("/actuator/jolokia/search/org.apache.camel:type=routes,*", "admin:test-secret");
        assertThat(routes.body()).contains("job-completed").contains("worker-gc");
    }

    private HttpResponse<String> get(String path, String credentials) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + path));
        if (credentials != null) {
            req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static double value(String text, String metric) {
        Matcher m = Pattern.compile("(?m)^" + metric + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
