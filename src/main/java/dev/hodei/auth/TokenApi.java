package dev.hodei.auth;

import dev.hodei.server.ProtoTime;
import dev.hodei.server.UnaryResponse;
import hodei.v1.ApiToken;
import hodei.v1.CreateTokenRequest;
import hodei.v1.CreateTokenResponse;
import hodei.v1.ListTokensRequest;
import hodei.v1.ListTokensResponse;
import hodei.v1.RevokeTokenRequest;
import hodei.v1.TokenServiceGrpc;
import hodei.v1.WhoAmIRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** {@code hodei.v1.TokenService}: admins make and revoke tokens; anyone asks who they are. */
@Component
public class TokenApi extends TokenServiceGrpc.TokenServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(TokenApi.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    static final int MAX_NAMESPACES = 100;
    static final long MAX_TTL_SECONDS = Duration.ofDays(3660).toSeconds();
    static final String RPC = "hodei.v1.TokenService/";

    private final ApiTokens tokens;
    private final AuditLog audit;

    public TokenApi(ApiTokens tokens, AuditLog audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    @Override
    public void createToken(CreateTokenRequest request, StreamObserver<CreateTokenResponse> response) {
        UnaryResponse.send(response, () -> {
            Caller caller = Caller.current();
            if (!NAME.matcher(request.getName()).matches()) {
                throw invalid("name: 1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
            Role role;
            try {
                role = Role.fromProto(request.getRole());
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
            if (request.getNamespacesCount() > MAX_NAMESPACES) throw invalid("namespaces: at most " + MAX_NAMESPACES);
            Set<String> namespaces = new LinkedHashSet<>();
            for (String ns : request.getNamespacesList()) {
                if (!ns.equals(Caller.ALL_NAMESPACES) && !Namespaces.valid(ns)) {
                    throw invalid("namespaces: '" + clip(ns) + "' is not a namespace name (DNS label) nor '*'");
                }
                namespaces.add(ns);
            }
            if (role == Role.ADMIN) namespaces = Set.of(Caller.ALL_NAMESPACES);
            if (namespaces.isEmpty()) throw invalid("namespaces: give at least one (or '*') for a non-admin token");
            if (request.getTtlSeconds() < 0 || request.getTtlSeconds() > MAX_TTL_SECONDS) {
                throw invalid("ttl_seconds: between 0 (never expires) and " + MAX_TTL_SECONDS);
            }
            Instant expires = request.getTtlSeconds() == 0 ? null : Instant.now().plusSeconds(request.getTtlSeconds());
            ApiTokens.Created created = tokens.create(request.getName(), role, namespaces, expires, caller.name())
                    .orElseThrow(() -> Status.ALREADY_EXISTS.withDescription("name: a token named " + request.getName()
                            + " exists; revoke it or choose another name").asRuntimeException());
            audit.record(caller.name(), "", RPC + "CreateToken", "OK", "created token " + request.getName() + " ("
                    + role.name().toLowerCase() + ", namespaces " + String.join(",", namespaces) + ")");
            log.info("Token {} ({}) created by {}", request.getName(), role.name().toLowerCase(), caller.name());
            return CreateTokenResponse.newBuilder().setToken(toProto(created.token())).setSecret(created.secret()).build();
        });
    }

    @Override
    public void listTokens(ListTokensRequest request, StreamObserver<ListTokensResponse> response) {
        UnaryResponse.send(response, () -> {
            ListTokensResponse.Builder out = ListTokensResponse.newBuilder();
            tokens.list(request.getIncludeRevoked()).forEach(t -> out.addTokens(toProto(t)));
            return out.build();
        });
    }

    @Override
    public void revokeToken(RevokeTokenRequest request, StreamObserver<ApiToken> response) {
        UnaryResponse.send(response, () -> {
            Caller caller = Caller.current();
            if (request.getToken().isEmpty() || request.getToken().length() > 100) {
                throw invalid("token: give the id or name of a token");
            }
            ApiTokens.Token t = tokens.find(request.getToken()).orElseThrow(() ->
                    Status.NOT_FOUND.withDescription("token: no token " + clip(request.getToken())).asRuntimeException());
            if (tokens.revoke(t.id())) {
                audit.record(caller.name(), "", RPC + "RevokeToken", "OK", "revoked token " + t.name());
                log.info("Token {} revoked by {}", t.name(), caller.name());
            }
            return toProto(tokens.find(t.id().toString()).orElseThrow());
        });
    }

    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<ApiToken> response) {
        UnaryResponse.send(response, () -> {
            Caller c = Caller.current();
            return toProto(tokens.find(c.tokenId().toString()).orElseThrow());
        });
    }

    static ApiToken toProto(ApiTokens.Token t) {
        ApiToken.Builder b = ApiToken.newBuilder()
                .setId(t.id().toString())
                .setName(t.name())
                .setRole(t.role().toProto())
                .addAllNamespaces(t.namespaces().stream().sorted().toList())
                .setCreatedAt(ProtoTime.of(t.createdAt()));
        if (t.createdBy() != null) b.setCreatedBy(t.createdBy());
        if (t.expiresAt() != null) b.setExpiresAt(ProtoTime.of(t.expiresAt()));
        if (t.revokedAt() != null) b.setRevokedAt(ProtoTime.of(t.revokedAt()));
        return b.build();
    }

    private static io.grpc.StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
