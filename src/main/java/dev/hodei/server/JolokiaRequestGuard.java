package dev.hodei.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Jolokia takes only same-origin POSTs, whatever its policy file says. A GET can be made by any
 * page (a link, an image) and would carry the session cookie of a same-site page; a foreign
 * {@code Origin} is another site's script. Both get 403, which Hawtio's probe of the Jolokia URL
 * also takes as "the agent is here".
 */
final class JolokiaRequestGuard extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(isUnder(path, "/actuator/jolokia") || isUnder(path, "/actuator/hawtio/jolokia"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"POST".equals(request.getMethod())) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "Jolokia accepts POST requests only");
            return;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !sameOrigin(origin, request)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "cross-origin Jolokia requests are refused");
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * Scheme, host and port of {@code Origin} against those the request was sent to; behind a proxy
     * these come from forwarded headers once {@code server.forward-headers-strategy} is set.
     */
    static boolean sameOrigin(String origin, HttpServletRequest request) {
        URI uri;
        try {
            uri = URI.create(origin.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getHost() == null || uri.getScheme() == null) return false; // "null" (sandboxed pages, file:)
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getScheme().equalsIgnoreCase(request.getScheme())
                && uri.getHost().toLowerCase(Locale.ROOT).equals(request.getServerName().toLowerCase(Locale.ROOT))
                && port == request.getServerPort();
    }

    private static boolean isUnder(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
