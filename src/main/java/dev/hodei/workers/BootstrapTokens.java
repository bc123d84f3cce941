package dev.hodei.workers;

import dev.hodei.server.HodeiProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * One-time bootstrap tokens (OTP): 256 random bits, stored only as a SHA-256 hash, bound to one
 * worker and one job, valid for {@code hodei.workers.otp-ttl}, consumed by a single guarded UPDATE.
 */
@Component
public class BootstrapTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final NamedParameterJdbcTemplate jdbc;
    private final HodeiProperties props;

    public BootstrapTokens(NamedParameterJdbcTemplate jdbc, HodeiProperties props) {
        this.jdbc = jdbc;
        this.props = props;
    }

    /**
     * Issues a token for the worker and job ({@code jobId} null for a warm worker, which no job has
     * yet); the clear value is returned once and never stored.
     */
    public String issue(UUID workerId, UUID jobId) {
        String token = newSecret();
        jdbc.update("""
                INSERT INTO worker_bootstrap_tokens (token_hash, worker_id, job_id, expires_at)
                VALUES (:hash, :worker, :job, now() + make_interval(secs => :ttl))""",
                new MapSqlParameterSource().addValue("hash", hash(token)).addValue("worker", workerId)
                        .addValue("job", jobId, java.sql.Types.OTHER)
                        .addValue("ttl", props.workers().otpTtl().toMillis() / 1000.0));
        return token;
    }

    /** What a consumed token was bound to; {@code jobId} null for a warm worker. */
    public record Consumed(UUID jobId, String resourceId) {}

    /**
     * Consumes the token for {@code workerId}.
     *
     * @throws RegistrationRefused when the token is unknown, already used, expired or another worker's
     */
    public Consumed consume(UUID workerId, String token) throws RegistrationRefused {
        String hash = hash(token);
        MapSqlParameterSource p = new MapSqlParameterSource().addValue("hash", hash).addValue("worker", workerId);
        var consumed = jdbc.query("""
                UPDATE worker_bootstrap_tokens SET consumed_at = now()
                WHERE token_hash = :hash AND worker_id = :worker AND consumed_at IS NULL AND expires_at > now()
                RETURNING job_id, provider_resource_id""", p,
                (rs, i) -> new Consumed(rs.getObject("job_id", UUID.class), rs.getString("provider_resource_id")));
        if (!consumed.isEmpty()) return consumed.get(0);
        // Refused: say precisely why, for the event log (the agent only learns "refused").
        String why = jdbc.query("""
                SELECT CASE WHEN worker_id <> :worker THEN 'token issued for another worker'
                            WHEN consumed_at IS NOT NULL THEN 'token already used (replay)'
                            WHEN expires_at <= now() THEN 'token expired'
                            ELSE 'token refused' END
                FROM worker_bootstrap_tokens WHERE token_hash = :hash""", p, (rs, i) -> rs.getString(1))
                .stream().findFirst().orElse("unknown token");
        throw new RegistrationRefused(why);
    }

    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
