package dev.hodei.auth;

import dev.hodei.server.ProtoTime;
import hodei.v1.AuditEntry;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The {@code audit_log} table: refused calls, refused agent registrations and token changes.
 * Never given a token: callers pass names and reasons.
 */
@Repository
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final int MAX_TEXT = 500;

    private final NamedParameterJdbcTemplate jdbc;

    public AuditLog(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void record(String principal, String peer, String rpc, String outcome, String reason) {
        try {
            jdbc.update("""
                    INSERT INTO audit_log (principal, peer, rpc, outcome, reason)
                    VALUES (:principal, :peer, :rpc, :outcome, :reason)""", new MapSqlParameterSource()
                    .addValue("principal", clip(principal)).addValue("peer", clip(peer)).addValue("rpc", clip(rpc))
                    .addValue("outcome", outcome).addValue("reason", clip(reason)));
        } catch (RuntimeException e) {
            // the call is refused either way; a database outage must not turn a refusal into INTERNAL
            log.warn("Could not record an audit entry ({} {}): {}", rpc, outcome, e.getClass().getSimpleName());
        }
    }

    /** Newest first. */
    public List<AuditEntry> list(int limit, long beforeId) {
        return jdbc.query("""
                SELECT * FROM audit_log WHERE (:before = 0 OR id < :before) ORDER BY id DESC LIMIT :limit""",
                Map.of("before", beforeId, "limit", limit), (rs, i) -> AuditEntry.newBuilder()
                .setId(rs.getLong("id"))
                .setTime(ProtoTime.of(rs.getTimestamp("at").toInstant()))
                .setPrincipal(nonNull(rs.getString("principal")))
                .setPeer(nonNull(rs.getString("peer")))
                .setRpc(rs.getString("rpc"))
                .setOutcome(rs.getString("outcome"))
                .setReason(nonNull(rs.getString("reason")))
                .build());
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static String clip(String s) {
        return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }
}
