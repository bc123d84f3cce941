package dev.hodei.auth;

import io.grpc.Context;
import io.grpc.Status;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The authenticated principal of the current gRPC call, put in the call's {@link Context} by
 * {@link ApiAuthentication}. Services check namespaces with it; the role was already checked
 * against the RPC.
 */
public record Caller(UUID tokenId, String name, Role role, Set<String> namespaces) {

    public static final String ALL_NAMESPACES = "*";
    public static final String DEFAULT_NAMESPACE = "default";
    static final Context.Key<Caller> KEY = Context.key("hodei-caller");

    /** The caller of the current call. */
    public static Caller current() {
        Caller c = KEY.get();
        if (c == null) throw Status.UNAUTHENTICATED.withDescription("no caller").asRuntimeException();
        return c;
    }

    public boolean allNamespaces() {
        return role == Role.ADMIN || namespaces.contains(ALL_NAMESPACES);
    }

    public boolean may(Permission p, String namespace) {
        return role.grants(p) && (allNamespaces() || namespaces.contains(namespace));
    }

    /** @throws io.grpc.StatusRuntimeException PERMISSION_DENIED naming the namespace */
    public void require(Permission p, String namespace) {
        if (!role.grants(p)) {
            throw Status.PERMISSION_DENIED.withDescription("token " + name + " (" + role.name().toLowerCase()
                    + ") may not " + p.name().toLowerCase()).asRuntimeException();
        }
        if (!allNamespaces() && !namespaces.contains(namespace)) {
            throw Status.PERMISSION_DENIED.withDescription("token " + name + " may not use namespace " + namespace)
                    .asRuntimeException();
        }
    }

    /** The namespaces to read from: the one asked for (if allowed), else all the caller may see (null = all). */
    public List<String> readable(String asked) {
        if (asked != null && !asked.isEmpty()) {
            String namespace = Namespaces.of(asked, "namespace");
            require(Permission.READ, namespace);
            return List.of(namespace);
        }
        return allNamespaces() ? null : List.copyOf(namespaces);
    }
}
