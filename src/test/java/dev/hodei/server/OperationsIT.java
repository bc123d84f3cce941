package dev.hodei.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hodei.testing.ControlPlaneIT;
import dev.hodei.testing.TestClient;
import hodei.v1.JobState;
import java.net.InetAddress;
import java.net.Socket;
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

    static final String OPERATOR = "admin:test-secret";

    @LocalServerPort int http;

    @Test
    void prometheusHasTheHodeiAndCamelMetricsAfterAJob() {
        try (TestClient client = new TestClient(grpc.port())) {
            assertThat(client.awaitEnd(client.submit("true").getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        }
        await("process destroy counted").atMost(Duration.ofSeconds(10)).until(
                () -> value(get("/actuator/prometheus", OPERATOR).body(), "hodei_workers_destroyed_immediate_total\\{provider=\"process\"}") >= 1);
        String metrics = get("/actuator/prometheus", OPERATOR).body();

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
        HttpResponse<String> ready = get("/actuator/health/readiness", OPERATOR);
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
        assertThat(get("/actuator/hawtio/", OPERATOR).statusCode()).isEqualTo(200);
        HttpResponse<String> routes = jolokia("/actuator/jolokia", "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}", OPERATOR, null);
        assertThat(routes.body()).contains("job-completed").contains("reap-workers");
    }

    @Test
    void probesAnswerAnyoneButDetailsAndEverythingElseNeedTheOperator() {
        for (String probe : new String[] {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"}) {
            HttpResponse<String> anonymous = get(probe, null);
            assertThat(anonymous.statusCode()).as(probe).isIn(200, 503);
            assertThat(anonymous.body()).as(probe).contains("\"status\"").doesNotContain("components").doesNotContain("\"db\"");
        }
        assertThat(get("/actuator/health", OPERATOR).body()).contains("\"db\"").contains("\"providers\"");
        for (String endpoint : new String[] {"/actuator", "/actuator/prometheus", "/actuator/metrics", "/actuator/metrics/jvm.threads.live",
                "/actuator/camelroutes", "/actuator/info"}) {
            assertThat(get(endpoint, null).statusCode()).as(endpoint).isEqualTo(401);
            assertThat(get(endpoint, OPERATOR).statusCode()).as(endpoint).isEqualTo(200);
        }
    }

    @Test
    void jolokiaReadsButNeverRunsOrWrites() {
        // the context's MBean name, still JSON-escaped, to put into the next requests
        Matcher name = Pattern.compile("\"value\":\\[\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(
                jolokia("/actuator/jolokia", "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=context,*\"}", OPERATOR, null).body());
        assertThat(name.find()).isTrue();
        String camelContext = name.group(1);
        assertThat(jolokia("/actuator/jolokia", "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\"}", OPERATOR, null).body())
                .contains("\"status\":200");
        assertThat(jolokia("/actuator/jolokia", "{\"type\":\"version\"}", OPERATOR, null).body()).contains("\"agent\"");
        assertThat(jolokia("/actuator/jolokia", "{\"type\":\"list\",\"path\":\"java.lang\",\"config\":{\"maxDepth\":1}}", OPERATOR, null).body())
                .contains("\"status\":200");
        // the path Hawtio's console uses, forwarded to the same servlet
        assertThat(jolokia("/actuator/hawtio/jolokia", "{\"type\":\"exec\",\"mbean\":\"" + camelContext + "\",\"operation\":\"dumpRoutesAsXml()\"}", OPERATOR, null).body())
                .contains("\"status\":200").contains("job-completed");

        assertThat(jolokia("/actuator/jolokia", "{\"type\":\"exec\",\"mbean\":\"" + camelContext
                + "\",\"operation\":\"sendBody(java.lang.String,java.lang.Object)\",\"arguments\":[\"log:jolokia\",\"hi\"]}", OPERATOR, null).body())
                .contains("\"status\":403");
        assertThat(jolokia("/actuator/jolokia", "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\",\"operation\":\"vmSystemProperties()\"}", OPERATOR, null).body())
                .contains("\"status\":403");
        assertThat(jolokia("/actuator/jolokia", "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":\"dumpHeap\",\"arguments\":[\"/tmp/h.hprof\",true]}", OPERATOR, null).body())
                .contains("\"status\":403");
        assertThat(jolokia("/actuator/jolokia", "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"Verbose\",\"value\":true}", OPERATOR, null).body())
                .contains("\"status\":403");

        // no operation over GET, allowed by the policy or not
        assertThat(get("/actuator/jolokia/exec/java.lang:type=Memory/gc", OPERATOR).statusCode()).isEqualTo(403);
        assertThat(get("/actuator/jolokia/read/java.lang:type=Runtime/Uptime", OPERATOR).statusCode()).isEqualTo(403);
        assertThat(get("/actuator/hawtio/jolokia/exec/java.lang:type=Memory/gc", OPERATOR).statusCode()).isEqualTo(403);
    }

    @Test
    void jolokiaAnswersNoOtherOrigin() {
        String read = "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\"}";
        HttpResponse<String> foreign = jolokia("/actuator/jolokia", read, OPERATOR, "http://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        HttpResponse<String> sameHostOtherPort = jolokia("/actuator/jolokia", read, OPERATOR, "http://127.0.0.1:" + (http + 1));
        assertThat(sameHostOtherPort.statusCode()).isEqualTo(403);

        HttpResponse<String> own = jolokia("/actuator/jolokia", read, OPERATOR, "http://127.0.0.1:" + http);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains("\"status\":200");
        assertThat(own.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void theSessionCookieIsStrictAndHttpOnly() throws Exception {
        HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=test-secret")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID=")).findFirst().orElseThrow();
        assertThat(cookie).contains("SameSite=Strict").contains("HttpOnly");

        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/actuator/health"))
                .header("Cookie", cookie.split(";")[0]).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).as("the session is the operator's").contains("\"db\"");
    }

    @Test
    void failedLoginsAreThrottledPerAddress() throws Exception {
        // from 127.0.0.2, so the other tests' address (127.0.0.1) keeps its logins
        InetAddress client = InetAddress.getByName("127.0.0.2");
        for (int i = 0; i < 3; i++) assertThat(raw(client, "GET", "/actuator/hawtio/", "admin:wrong-" + i, null).status).isEqualTo(401);
        assertThat(raw(client, "POST", "/login", null, "username=admin&password=wrong").status).isEqualTo(302);
        assertThat(raw(client, "POST", "/login", null, "username=nobody&password=wrong").status).isEqualTo(302);

        Raw refused = raw(client, "GET", "/actuator/hawtio/", OPERATOR, null);
        assertThat(refused.status).as("even the right password, for a while").isEqualTo(429);
        assertThat(refused.head).containsIgnoringCase("Retry-After:");
        assertThat(raw(client, "POST", "/login", null, "username=admin&password=test-secret").status).isEqualTo(429);
        assertThat(raw(InetAddress.getByName("127.0.0.1"), "GET", "/actuator/hawtio/", OPERATOR, null).status).isEqualTo(200);
    }

    private record Raw(int status, String head) {}

    /** One HTTP/1.1 request from a chosen local address (java.net.http cannot bind one on Java 17). */
    private Raw raw(InetAddress from, String method, String path, String credentials, String form) throws Exception {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), http, from, 0)) {
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + http + "\r\nConnection: close\r\n");
            if (credentials != null) req.append("Authorization: Basic ")
                    .append(Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8))).append("\r\n");
            byte[] body = form == null ? new byte[0] : form.getBytes(StandardCharsets.UTF_8);
            if (form != null) req.append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ").append(body.length).append("\r\n");
            s.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            String head = response.split("\r\n\r\n", 2)[0];
            return new Raw(Integer.parseInt(head.split(" ")[1]), head);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + http + path);
    }

    private HttpResponse<String> jolokia(String path, String json, String credentials, String origin) {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (credentials != null) req.header("Authorization", basic(credentials));
        if (origin != null) req.header("Origin", origin);
        try {
            return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path, String credentials) {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri(path));
        if (credentials != null) req.header("Authorization", basic(credentials));
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
