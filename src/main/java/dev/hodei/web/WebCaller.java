package dev.hodei.web;

import dev.hodei.auth.Caller;
import dev.hodei.auth.Permission;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A dashboard session: the API token it was opened with. The secret stays in the server's
 * session memory (never in a cookie or a page) and goes with every call the dashboard makes, so a
 * revoked or expired token ends the session at its next call.
 */
public final class WebCaller extends AbstractAuthenticationToken {

    private final Caller caller;
    private final transient String secret;

    WebCaller(Caller caller, String secret) {
        super(List.of(new SimpleGrantedAuthority("ROLE_" + caller.role().name())));
        this.caller = caller;
        this.secret = secret;
        setAuthenticated(true);
    }

    String secret() {
        if (secret == null) throw new IllegalStateException("the session lost its token");
        return secret;
    }

    Caller caller() {
        return caller;
    }

    boolean may(Permission p) {
        return caller.role().grants(p);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return caller.name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebCaller w && w.caller.equals(caller) && super.equals(o);
    }

    @Override
    public int hashCode() {
        return caller.hashCode();
    }
}
