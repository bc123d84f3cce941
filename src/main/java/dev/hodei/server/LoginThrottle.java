package dev.hodei.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guessing the console password is slowed to {@code limit} failed logins per client address per
 * {@code window}: after that, the address's login attempts (form posts and HTTP basic credentials)
 * get 429 until {@code window} has passed since its last counted failure. Requests on an existing
 * session are not login attempts and pass. At most {@link #MAX_ADDRESSES} addresses are
 * remembered, the least recently seen forgotten first, so a flood of addresses cannot exhaust
 * memory.
 */
public final class LoginThrottle {

    static final int MAX_ADDRESSES = 10_000;

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

    private final int limit;
    private final long windowMs;
    private final Clock clock;
    private final Map<String, Failures> failures = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    LoginThrottle(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.windowMs = window.toMillis();
        this.clock = clock;
    }

    /** Failures seen in the current window, and until when the address is refused (0: it is not). */
    private record Failures(long windowStart, int count, long blockedUntil) {}

    @EventListener
    void failed(AbstractAuthenticationFailureEvent event) {
        if (event.getAuthentication().getDetails() instanceof WebAuthenticationDetails details
                && details.getRemoteAddress() != null) {
            failed(details.getRemoteAddress());
        }
    }

    public synchronized void failed(String address) {
        long now = clock.millis();
        Failures f = failures.get(address);
        if (f == null || now - f.windowStart >= windowMs) f = new Failures(now, 0, 0);
        int count = f.count + 1;
        boolean blocks = count >= limit;
        failures.put(address, new Failures(f.windowStart, count, blocks ? now + windowMs : f.blockedUntil));
        if (blocks && count == limit) log.warn("{} failed logins from {}; its logins are refused for {} s", count, address, windowMs / 1000);
    }

    /** Milliseconds until {@code address} may try again; 0 when it may now. */
    public synchronized long refusedFor(String address) {
        Failures f = failures.get(address);
        return f == null ? 0 : Math.max(0, f.blockedUntil - clock.millis());
    }

    synchronized int tracked() {
        return failures.size();
    }

    /** The filter in front of the login filters (not a bean: Spring Boot would also put it before every request). */
    OncePerRequestFilter filter() {
        return new OncePerRequestFilter() {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                return !isLoginAttempt(request);
            }

            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                long wait = refusedFor(request.getRemoteAddr());
                if (wait > 0) {
                    response.setHeader("Retry-After", Long.toString((wait + 999) / 1000));
                    response.sendError(429, "too many failed logins from this address; try again later");
                    return;
                }
                chain.doFilter(request, response);
            }
        };
    }

    private static boolean isLoginAttempt(HttpServletRequest request) {
        boolean formLogin = "POST".equals(request.getMethod())
                && "/login".equals(request.getRequestURI().substring(request.getContextPath().length()));
        return formLogin || request.getHeader("Authorization") != null;
    }
}
