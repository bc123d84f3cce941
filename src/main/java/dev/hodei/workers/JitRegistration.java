package dev.hodei.workers;

import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Just-in-time registration of an agent. The worker's provider resource comes from the token row
 * written at provisioning, never from anything the agent says about itself.
 */
@Component
public class JitRegistration {

    private static final Logger log = LoggerFactory.getLogger(JitRegistration.class);

    private final BootstrapTokens tokens;
    private final WorkerStore workers;
    private final NamedParameterJdbcTemplate jdbc;

    public JitRegistration(BootstrapTokens tokens, WorkerStore workers, NamedParameterJdbcTemplate jdbc) {
        this.tokens = tokens;
        this.workers = workers;
        this.jdbc = jdbc;
    }

    /** An accepted agent: {@code resumed} when it came back with its session rather than its OTP. */
    public record Registration(UUID workerId, UUID jobId, String sessionToken, boolean resumed) {}

    public Registration withOtp(UUID workerId, String otp) throws RegistrationRefused {
        try {
            BootstrapTokens.Consumed consumed = tokens.consume(workerId, otp);
            String session = BootstrapTokens.newSecret();
            if (!workers.markRegistered(workerId, consumed.resourceId(), BootstrapTokens.hash(session))) {
                throw new RegistrationRefused("worker is no longer waiting for its agent");
            }
            return new Registration(workerId, consumed.jobId(), session, false);
        } catch (RegistrationRefused e) {
            refuse(workerId, "otp", e.getMessage());
            throw e;
        }
    }

    public Registration withSession(UUID workerId, String session) throws RegistrationRefused {
        var match = jdbc.queryForList("""
                SELECT job_id FROM workers
                WHERE id = :id AND session_token_hash = :hash AND destroyed_at IS NULL AND state <> 'TERMINATED'""",
                Map.of("id", workerId, "hash", BootstrapTokens.hash(session)), UUID.class);
        if (match.isEmpty()) {
            refuse(workerId, "session", "unknown session or worker no longer live");
            throw new RegistrationRefused("unknown session or worker no longer live");
        }
        workers.heartbeat(workerId);
        return new Registration(workerId, match.get(0), session, true);
    }

    private void refuse(UUID workerId, String credential, String why) {
        log.warn("Refused agent registration for worker {} ({}): {}", workerId, credential, why);
        jdbc.update("INSERT INTO auth_events (worker_id, kind, detail) VALUES (:worker, :kind, :detail)",
                new MapSqlParameterSource().addValue("worker", workerId)
                        .addValue("kind", "registration-refused").addValue("detail", credential + ": " + why));
    }
}
