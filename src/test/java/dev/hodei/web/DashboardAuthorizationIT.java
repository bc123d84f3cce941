package dev.hodei.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hodei.auth.RpcPermissions;
import dev.hodei.testing.ControlPlaneIT;
import hodei.v1.CreateTokenRequest;
import hodei.v1.RevokeTokenRequest;
import hodei.v1.Role;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard's HTTP endpoints × {anonymous, no CSRF token, bad token, viewer, submitter,
 * revoked, signed out}: only its page and sign-in answer without a session, every call is the
 * API's own check with the session's token, and nothing outside its list of calls is reachable.
 */
class DashboardAuthorizationIT extends ControlPlaneIT {

    @LocalServerPort int httpPort;

    final ObjectMapper json = new ObjectMapper();

    /** A browser: its own cookies, and the CSRF token the page would hold. */
    final class Browser {
        final CookieManager cookies = new CookieManager();
        final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
        String csrf = "";

        HttpResponse<String> send(String method, String path, String body, boolean withCsrf) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json");
            if (withCsrf && !csrf.isEmpty()) b.header("X-CSRF-TOKEN", csrf);
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonNode session() throws Exception {
            JsonNode s = json.readTree(send("GET", "/ui/api/session", null, false).body());
            csrf = s.get("csrfToken").asText();
            return s;
        }

        HttpResponse<String> signIn(String token) throws Exception {
            session();
            HttpResponse<String> r = send("POST", "/ui/api/session", json.writeValueAsString(Map.of("token", token)), true);
            if (r.statusCode() == 200) csrf = json.readTree(r.body()).get("csrfToken").asText();
            return r;
        }

        HttpResponse<String> rpc(String method, String body) throws Exception {
            return send("POST", "/ui/api/rpc/" + method, body, true);
        }

        String sessionId() {
            return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                    .map(HttpCookie::getValue).findFirst().orElse(null);
        }
    }

    String token(Role role) {
        return client.tokens().createToken(CreateTokenRequest.newBuilder().setName("web-" + role.name().toLowerCase()
                + "-" + UUID.randomUUID().toString().substring(0, 8)).setRole(role).addNamespaces("default").build()).getSecret();
    }

    static String code(HttpResponse<String> r) throws Exception {
        return new ObjectMapper().readTree(r.body()).path("code").asText();
    }

    @Test
    void anonymousGetsThePageAndTheSignInNothingElse() throws Exception {
        Browser b = new Browser();
        assertThat(b.send("GET", "/", null, false).headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/ui/"));
        HttpResponse<String> page = b.send("GET", "/ui/", null, false);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/ui/assets/app.js");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(p -> assertThat(p).contains("default-src 'self'"));
        assertThat(b.send("GET", "/ui/assets/app.js", null, false).statusCode()).isEqualTo(200);
        JsonNode s = b.session();
        assertThat(s.has("name")).as("no one is signed in").isFalse();
        assertThat(b.rpc("JobService/ListJobs", "{}").statusCode()).isEqualTo(401);
        assertThat(b.send("GET", "/ui/api/stream/JobService/WatchJob?request=%7B%7D", null, false).statusCode()).isEqualTo(401);
    }

    @Test
    void aWrongTokenIsRefusedAndAGoodOneGetsAFreshSession() throws Exception {
        Browser b = new Browser();
        HttpResponse<String> bad = b.signIn("hodei_not-a-token");
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).doesNotContain("hodei_not-a-token");
        String before = b.sessionId();
        HttpResponse<String> ok = b.signIn(token(Role.ROLE_VIEWER));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json.readTree(ok.body()).get("role").asText()).isEqualTo("viewer");
        assertThat(b.sessionId()).as("a new session id at sign-in").isNotNull().isNotEqualTo(before);
        assertThat(ok.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).contains("SameSite=Strict").contains("HttpOnly"));
        assertThat(ok.body()).as("the token never comes back").doesNotContain("hodei_");
    }

    @Test
    void everyChangeNeedsTheCsrfToken() throws Exception {
        Browser b = new Browser();
        b.signIn(token(Role.ROLE_SUBMITTER));
        assertThat(b.send("POST", "/ui/api/rpc/JobService/ListJobs", "{}", false).statusCode()).isEqualTo(403);
        Browser other = new Browser();
        other.session();
        assertThat(other.send("POST", "/ui/api/session", "{\"token\":\"x\"}", false).statusCode())
                .as("sign-in too (login CSRF)").isEqualTo(403);
        assertThat(b.rpc("JobService/ListJobs", "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void theRoleOfTheTokenDecides() throws Exception {
        Browser viewer = new Browser();
        viewer.signIn(token(Role.ROLE_VIEWER));
        String submit = "{\"spec\":{\"shell\":\"true\"}}";
        HttpResponse<String> refused = viewer.rpc("JobService/SubmitJob", submit);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(code(refused)).isEqualTo("PERMISSION_DENIED");
        assertThat(viewer.rpc("JobService/CancelJob", "{\"id\":\"" + UUID.randomUUID() + "\"}").statusCode()).isEqualTo(403);
        assertThat(viewer.rpc("TemplateService/RunScheduleNow", "{\"schedule\":\"x\"}").statusCode()).isEqualTo(403);
        assertThat(viewer.rpc("JobService/ListJobs", "{}").statusCode()).isEqualTo(200);
        assertThat(viewer.rpc("JobService/GetQueue", "{}").statusCode()).isEqualTo(200);

        Browser submitter = new Browser();
        submitter.signIn(token(Role.ROLE_SUBMITTER));
        HttpResponse<String> submitted = submitter.rpc("JobService/SubmitJob", submit);
        assertThat(submitted.statusCode()).isEqualTo(200);
        assertThat(submitter.rpc("TemplateService/SetScheduleEnabled", "{\"schedule\":\"x\"}").statusCode())
                .as("managing schedules is an operator's").isEqualTo(403);
    }

    @Test
    void onlyTheDashboardsCallsAreOffered() throws Exception {
        Browser admin = new Browser();
        admin.signIn(token(Role.ROLE_ADMIN));
        for (String m : new String[] {"TokenService/CreateToken", "TokenService/ListTokens", "AuditService/ListAudit",
                "WorkerAgentService/Connect", "TemplateService/DeleteTemplate", "JobService/Nope"}) {
            HttpResponse<String> r = admin.rpc(m, "{}");
            assertThat(r.statusCode()).as(m).isEqualTo(404);
            assertThat(code(r)).isEqualTo("NOT_FOUND");
        }
        assertThat(admin.send("GET", "/ui/api/stream/TokenService/ListTokens?request=%7B%7D", null, false).body())
                .contains("NOT_FOUND");
        // every call offered is an RPC with a rule of the API's policy
        assertThat(WebApi.METHODS).allSatisfy(m -> assertThat(RpcPermissions.of(m)).as(m).isPresent());
    }

    @Test
    void badInputIsRefusedNamingTheLimit() throws Exception {
        Browser b = new Browser();
        b.signIn(token(Role.ROLE_SUBMITTER));
        HttpResponse<String> big = b.rpc("JobService/SubmitJob", "{\"spec\":{\"shell\":\"" + "x".repeat(70_000) + "\"}}");
        assertThat(big.statusCode()).isEqualTo(400);
        assertThat(big.body()).contains("64 KiB");
        HttpResponse<String> wrong = b.rpc("JobService/SubmitJob", "{\"spec\":{\"nope\":1}}");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(code(wrong)).isEqualTo("INVALID_ARGUMENT");
        HttpResponse<String> limit = b.rpc("JobService/ListJobs", "{\"text\":\"" + "y".repeat(300) + "\"}");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(limit.body()).contains("text: longer than 256");
        HttpResponse<String> longToken = new Browser().signIn("z".repeat(5000));
        assertThat(longToken.statusCode()).isEqualTo(400);
    }

    @Test
    void signingOutOrRevokingTheTokenEndsTheSession() throws Exception {
        Browser b = new Browser();
        b.signIn(token(Role.ROLE_VIEWER));
        assertThat(b.send("DELETE", "/ui/api/session", null, true).statusCode()).isEqualTo(204);
        assertThat(b.rpc("JobService/ListJobs", "{}").statusCode()).as("the old CSRF token went with the session").isEqualTo(403);
        assertThat(b.session().has("name")).isFalse();
        assertThat(b.rpc("JobService/ListJobs", "{}").statusCode()).isEqualTo(401);

        String secret = token(Role.ROLE_VIEWER);
        Browser revoked = new Browser();
        JsonNode who = json.readTree(revoked.signIn(secret).body());
        assertThat(revoked.rpc("JobService/ListJobs", "{}").statusCode()).isEqualTo(200);
        client.tokens().revokeToken(RevokeTokenRequest.newBuilder().setToken(who.get("name").asText()).build());
        HttpResponse<String> after = revoked.rpc("JobService/ListJobs", "{}");
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(code(after)).isEqualTo("UNAUTHENTICATED");
    }
}
