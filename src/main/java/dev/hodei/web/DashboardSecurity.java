package dev.hodei.web;

import static org.springframework.security.web.util.matcher.AntPathRequestMatcher.antMatcher;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * The dashboard ({@code /} and {@code /ui/**}): its page and sign-in endpoint answer anyone, every
 * other endpoint only a session opened with an API token ({@link WebSessions}). CSRF tokens on
 * every change (header {@code X-CSRF-TOKEN}), the session cookie {@code SameSite=Strict} and
 * HttpOnly (application.yml), a strict content security policy: the page loads nothing but its
 * own files. Its session state lives under keys of its own, so an operator signed in to Hawtio in
 * the same browser keeps that login.
 */
@Configuration(proxyBeanMethods = false)
public class DashboardSecurity {

    static final String CONTEXT_KEY = "HODEI_DASHBOARD_CONTEXT";

    @Bean
    HttpSessionSecurityContextRepository dashboardContexts() {
        HttpSessionSecurityContextRepository r = new HttpSessionSecurityContextRepository();
        r.setSpringSecurityContextKey(CONTEXT_KEY);
        return r;
    }

    @Bean
    HttpSessionCsrfTokenRepository dashboardCsrfTokens() {
        HttpSessionCsrfTokenRepository r = new HttpSessionCsrfTokenRepository();
        r.setSessionAttributeName("HODEI_DASHBOARD_CSRF");
        return r;
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain dashboard(HttpSecurity http, HttpSessionSecurityContextRepository contexts,
                                  HttpSessionCsrfTokenRepository csrfTokens) throws Exception {
        return http.securityMatcher(new OrRequestMatcher(antMatcher("/"), antMatcher("/ui"), antMatcher("/ui/**")))
                .securityContext(c -> c.securityContextRepository(contexts))
                .authorizeHttpRequests(a -> a
                        .requestMatchers(antMatcher("/"), antMatcher("/ui"), antMatcher("/ui/"),
                                antMatcher("/ui/index.html"), antMatcher("/ui/assets/**"), antMatcher("/ui/api/session"))
                        .permitAll()
                        .anyRequest().access((auth, ctx) -> new AuthorizationDecision(auth.get() instanceof WebCaller)))
                .csrf(c -> c.csrfTokenRepository(csrfTokens).csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler()))
                .exceptionHandling(e -> e.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED))
                        .accessDeniedHandler((req, res, ex) -> res.sendError(HttpStatus.FORBIDDEN.value(),
                                "sign in to the dashboard with an API token")))
                .requestCache(c -> c.disable())
                .headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'self'; img-src 'self' data:; "
                        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")))
                .build();
    }
}
