package dev.hodei.workers;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of {@code workers}; {@code pool} names the warm pool that made it, null for a worker made
 * for its job; {@code reusable}: it may run several jobs in turn, {@code jobsTaken} so far.
 */
public record WorkerRecord(UUID id, String provider, String resourceId, WorkerState state, UUID jobId,
                           Integer jobAttempt, Instant createdAt, Instant terminatedAt, Instant destroyedAt,
                           String destroyReason, String lastError, String pool, boolean reusable, int jobsTaken) {

    static WorkerRecord map(ResultSet rs, int row) throws SQLException {
        int attempt = rs.getInt("job_attempt");
        return new WorkerRecord(
                rs.getObject("id", UUID.class),
                rs.getString("provider"),
                rs.getString("provider_resource_id"),
                WorkerState.valueOf(rs.getString("state")),
                rs.getObject("job_id", UUID.class),
                rs.wasNull() ? null : attempt,
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("terminated_at")),
                instant(rs.getTimestamp("destroyed_at")),
                rs.getString("destroy_reason"),
                rs.getString("last_error"),
                rs.getString("pool"),
                "reusable".equals(rs.getString("mode")),
                rs.getInt("jobs_taken"));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
