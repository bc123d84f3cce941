package dev.hodei.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Every client call: a bearer token in {@code authorization} metadata, checked against
 * {@link RpcPermissions}; the caller goes into the call's context for the services' namespace
 * checks. Refusals (here or later in the service) are audited, without the token.
 */
@Component
@Order(1)
public class ApiAuthentication implements ServerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(ApiAuthentication.class);
    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    /** The browser's address, set by the dashboard on its in-process calls (trusted only on those). */
    public static final Metadata.Key<String> WEB_PEER = Metadata.Key.of("x-hodei-web-peer", Metadata.ASCII_STRING_MARSHALLER);

    private final ApiTokens tokens;
    private final AuditLog audit;
    private final boolean clientCertificates;

    public ApiAuthentication(ApiTokens tokens, AuditLog audit, dev.hodei.server.HodeiProperties props) {
        this.tokens = tokens;
        this.audit = audit;
        this.clientCertificates = props.grpc().tls().enabled() && !props.grpc().tls().clientCaFile().isBlank();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String rpc = call.getMethodDescriptor().getFullMethodName();
        String webPeer = inProcess(call) ? headers.get(WEB_PEER) : null;
        String peer = webPeer != null ? "web " + webPeer : peer(call);
        Optional<RpcPermissions.Rule> rule = RpcPermissions.of(rpc);
        if (rule.isEmpty()) {
            return refuse(call, null, peer, Status.PERMISSION_DENIED, "no permission is defined for " + rpc);
        }
        if (rule.get() instanceof RpcPermissions.AgentCredential || rule.get() instanceof RpcPermissions.Anyone) {
            return next.startCall(call, headers);
        }
        // the dashboard's calls come in-process (dev.hodei.web), behind its own sign-in
        if (clientCertificates && !presentedCertificate(call) && !inProcess(call)) {
            return refuse(call, null, peer, Status.UNAUTHENTICATED,
                    "a client certificate is required (mTLS): pass --client-cert and --client-key");
        }
        String secret = bearer(headers.get(AUTHORIZATION));
        Optional<ApiTokens.Token> token;
        try {
            token = secret == null ? Optional.empty() : tokens.authenticate(secret);
        } catch (RuntimeException e) {
            log.warn("Cannot check a token now: {}", e.getClass().getSimpleName());
            call.close(Status.UNAVAILABLE.withDescription("cannot check the token now; try again"), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        if (token.isEmpty()) {
            return refuse(call, null, peer, Status.UNAUTHENTICATED, secret == null
                    ? "no bearer token: pass --token, set HODEI_TOKEN, or run the CLI as the server's user on its machine"
                    : "the bearer token is unknown, expired or revoked");
        }
        Caller caller = token.get().caller();
        if (rule.get() instanceof RpcPermissions.Needs needs && !caller.role().grants(needs.permission())) {
            return refuse(call, caller.name(), peer, Status.PERMISSION_DENIED, "token " + caller.name() + " ("
                    + caller.role().name().toLowerCase() + ") may not call " + rpc);
        }
        ServerCall<Q, R> audited = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (status.getCode() == Status.Code.PERMISSION_DENIED) {
                    audit.record(caller.name(), peer, rpc, "PERMISSION_DENIED", status.getDescription());
                }
                super.close(status, trailers);
            }
        };
        return Contexts.interceptCall(Context.current().withValue(Caller.KEY, caller), audited, headers, next);
    }

    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String principal, String peer, Status status,
                                                 String reason) {
        String rpc = call.getMethodDescriptor().getFullMethodName();
        audit.record(principal, peer, rpc, status.getCode().name(), reason);
        call.close(status.withDescription(reason), new Metadata());
        return new ServerCall.Listener<>() {};
    }

    /** TLS already verified any certificate presented against hodei.grpc.tls.client-ca-file. */
    private static boolean presentedCertificate(ServerCall<?, ?> call) {
        javax.net.ssl.SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) return false;
        try {
            return session.getPeerCertificates().length > 0;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return false;
        }
    }

    /** Only the dashboard's in-process server exists in this JVM; nothing outside reaches it. */
    private static boolean inProcess(ServerCall<?, ?> call) {
        return call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) instanceof io.grpc.inprocess.InProcessSocketAddress;
    }

    static String bearer(String header) {
        if (header == null) return null;
        String h = header.strip();
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) return h.substring(7).strip();
        return null;
    }

    static String peer(ServerCall<?, ?> call) {
        SocketAddress a = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (a instanceof InetSocketAddress i) return i.getAddress().getHostAddress() + ":" + i.getPort();
        return a == null ? "" : a.toString();
    }
}
