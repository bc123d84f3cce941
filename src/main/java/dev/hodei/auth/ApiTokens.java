package dev.hodei.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The {@code api_tokens} table. A token is 256 random bits; only its SHA-256 is stored (a slow
 * hash would add nothing to a value that cannot be guessed, and would cost every call).
 */
@Repository
public class ApiTokens {

    static final String PREFIX = "hodei_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NamedParameterJdbcTemplate jdbc;

    public ApiTokens(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One row; never holds the token itself. */
    public record Token(UUID id, String name, Role role, Set<String> namespaces, String createdBy, Instant createdAt,
                        Instant expiresAt, Instant revokedAt) {

        public Caller caller() {
            return new Caller(id, name, role, namespaces);
        }
    }

    /** A new token and its secret, which the caller shows once. */
    public record Created(Token token, String secret) {}

    /** @return empty when the name is taken */
    public Optional<Created> create(String name, Role role, Set<String> namespaces, Instant expiresAt, String createdBy) {
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
        UUID id = UUID.randomUUID();
        int n = jdbc.update("""
                INSERT INTO api_tokens (id, name, token_hash, role, namespaces, created_by, expires_at)
                VALUES (:id, :name, :hash, :role, CAST(:ns AS text[]), :by, :expires)
                ON CONFLICT (name) DO NOTHING""", new MapSqlParameterSource()
                .addValue("id", id).addValue("name", name).addValue("hash", hash(secret)).addValue("role", role.name())
                .addValue("ns", "{" + String.join(",", namespaces) + "}").addValue("by", createdBy)
                .addValue("expires", expiresAt == null ? null : Timestamp.from(expiresAt), java.sql.Types.TIMESTAMP));
        if (n == 0) return Optional.empty();
        return Optional.of(new Created(find(id.toString()).orElseThrow(), secret));
    }

    /** The live token with this secret: not revoked, not expired. */
    public Optional<Token> authenticate(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 200) return Optional.empty();
        return jdbc.query("""
                SELECT * FROM api_tokens WHERE token_hash = :hash AND revoked_at IS NULL
                  AND (expires_at IS NULL OR expires_at > now())""", Map.of("hash", hash(secret)), ApiTokens::row)
                .stream().findFirst();
    }

    /** By id or name. */
    public Optional<Token> find(String ref) {
        UUID id = asUuid(ref);
        return (id != null ? jdbc.query("SELECT * FROM api_tokens WHERE id = :id", Map.of("id", id), ApiTokens::row)
                : jdbc.query("SELECT * FROM api_tokens WHERE name = :name", Map.of("name", ref), ApiTokens::row))
                .stream().findFirst();
    }

    public List<Token> list(boolean includeRevoked) {
        return jdbc.query("SELECT * FROM api_tokens" + (includeRevoked ? "" : " WHERE revoked_at IS NULL")
                + " ORDER BY name", Map.of(), ApiTokens::row);
    }

    /** @return whether it was live */
    public boolean revoke(UUID id) {
        return jdbc.update("UPDATE api_tokens SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL",
                Map.of("id", id)) == 1;
    }

    /** Removes a token for good (the local admin token being replaced); history keeps its name. */
    void delete(String name) {
        jdbc.update("DELETE FROM api_tokens WHERE name = :name", Map.of("name", name));
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    private static UUID asUuid(String ref) {
        try {
            return UUID.fromString(ref);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Token row(ResultSet rs, int i) throws SQLException {
        Array ns = rs.getArray("namespaces");
        Set<String> namespaces = new LinkedHashSet<>(List.of((String[]) ns.getArray()));
        return new Token(rs.getObject("id", UUID.class), rs.getString("name"), Role.valueOf(rs.getString("role")),
                Set.copyOf(namespaces), rs.getString("created_by"), instant(rs, "created_at"), instant(rs, "expires_at"),
                instant(rs, "revoked_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
