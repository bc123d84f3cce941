package dev.hodei.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hodei.auth.ApiTokens;
import dev.hodei.auth.AuditLog;
import dev.hodei.auth.Caller;
import dev.hodei.auth.Permission;
import dev.hodei.server.LoginThrottle;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /ui/api/session}: GET tells the page who is signed in and gives it its CSRF token; POST
 * exchanges an API token for a session (a new session id, the token checked like the API checks
 * it, failures counted against the address like console logins); DELETE signs out.
 */
@RestController
@RequestMapping(path = "/ui/api/session", produces = MediaType.APPLICATION_JSON_VALUE)
class WebSessions {

    static final int MAX_BODY = 4096;

    private final ApiTokens tokens;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final HttpSessionSecurityContextRepository contexts;
    private final HttpSessionCsrfTokenRepository csrfTokens;
    private final ObjectMapper json = new ObjectMapper();

    WebSessions(ApiTokens tokens, LoginThrottle throttle, AuditLog audit, HttpSessionSecurityContextRepository contexts,
                HttpSessionCsrfTokenRepository csrfTokens) {
        this.tokens = tokens;
        this.throttle = throttle;
        this.audit = audit;
        this.contexts = contexts;
        this.csrfTokens = csrfTokens;
    }

    @GetMapping
    Map<String, Object> current(HttpServletRequest request, HttpServletResponse response, Authentication auth) {
        return state(auth instanceof WebCaller w ? w : null, csrf(request, response, false));
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> signIn(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String address = request.getRemoteAddr();
        long wait = throttle.refusedFor(address);
        if (wait > 0) {
            return ResponseEntity.status(429).header("Retry-After", Long.toString((wait + 999) / 1000))
                    .body(error("RESOURCE_EXHAUSTED", "too many failed sign-ins from this address; try again later"));
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            return ResponseEntity.badRequest().body(error("INVALID_ARGUMENT", "token: longer than 4096 characters"));
        }
        String secret;
        try {
            JsonNode token = json.readTree(body).path("token");
            secret = token.isTextual() ? token.asText().strip() : "";
        } catch (IOException e) {
            return ResponseEntity.badRequest().body(error("INVALID_ARGUMENT", "body: give {\"token\": \"…\"} as JSON"));
        }
        if (secret.isEmpty()) return ResponseEntity.badRequest().body(error("INVALID_ARGUMENT", "token: required"));
        Optional<ApiTokens.Token> token = tokens.authenticate(secret);
        if (token.isEmpty()) {
            throttle.failed(address);
            audit.record(null, "web " + address, "dashboard sign-in", "UNAUTHENTICATED", "the token is unknown, expired or revoked");
            return ResponseEntity.status(401).body(error("UNAUTHENTICATED", "the token is unknown, expired or revoked"));
        }
        // a new session id at sign-in: an id planted before it (session fixation) is worth nothing
        request.getSession(true);
        request.changeSessionId();
        WebCaller caller = new WebCaller(token.get().caller(), secret);
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(caller);
        SecurityContextHolder.setContext(context);
        contexts.saveContext(context, request, response);
        return ResponseEntity.ok(state(caller, csrf(request, response, true)));
    }

    @DeleteMapping
    ResponseEntity<Void> signOut(HttpServletRequest request, HttpServletResponse response) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(DashboardSecurity.CONTEXT_KEY);
            csrfTokens.saveToken(null, request, response);
        }
        SecurityContextHolder.clearContext();
        return ResponseEntity.noContent().build();
    }

    private String csrf(HttpServletRequest request, HttpServletResponse response, boolean fresh) {
        CsrfToken t = fresh ? null : csrfTokens.loadToken(request);
        if (t == null) {
            t = csrfTokens.generateToken(request);
            csrfTokens.saveToken(t, request, response);
        }
        return t.getToken();
    }

    private static Map<String, Object> state(WebCaller caller, String csrf) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("csrfToken", csrf);
        if (caller != null) {
            Caller c = caller.caller();
            out.put("name", c.name());
            out.put("role", c.role().name().toLowerCase());
            out.put("namespaces", c.allNamespaces() ? java.util.List.of(Caller.ALL_NAMESPACES) : c.namespaces());
            out.put("maySubmit", caller.may(Permission.SUBMIT));
            out.put("mayManage", caller.may(Permission.MANAGE));
        }
        return out;
    }

    static Map<String, Object> error(String code, String message) {
        return Map.of("code", code, "message", message);
    }
}
