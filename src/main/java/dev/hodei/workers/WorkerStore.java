package dev.hodei.workers;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code workers} table; each state change is guarded by the state it expects. */
@Repository
public class WorkerStore {

    private final NamedParameterJdbcTemplate jdbc;

    public WorkerStore(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insertProvisioning(UUID workerId, String provider, UUID jobId, int attempt) {
        jdbc.update("""
                INSERT INTO workers (id, provider, state, mode, job_id, job_attempt)
                VALUES (:id, :provider, 'PROVISIONING', 'ephemeral', :job, :attempt)""",
                Map.of("id", workerId, "provider", provider, "job", jobId, "attempt", attempt));
    }

    public Optional<WorkerRecord> find(UUID workerId) {
        return jdbc.query("SELECT * FROM workers WHERE id = :id", Map.of("id", workerId), WorkerRecord::map)
                .stream().findFirst();
    }

    /** Records the provider's id for the worker on its row and on its bootstrap token, together. */
    public void recordResource(UUID workerId, String resourceId) {
        Map<String, Object> p = Map.of("id", workerId, "rid", resourceId);
        jdbc.update("""
                WITH tok AS (UPDATE worker_bootstrap_tokens SET provider_resource_id = :rid WHERE worker_id = :id)
                UPDATE workers SET provider_resource_id = :rid, provisioned_at = now() WHERE id = :id""", p);
    }

    public boolean markRegistered(UUID workerId, String resourceIdFromToken, String sessionTokenHash) {
        MapSqlParameterSource p = new MapSqlParameterSource()
                .addValue("id", workerId).addValue("rid", resourceIdFromToken).addValue("session", sessionTokenHash);
        return jdbc.update("""
                UPDATE workers SET state = 'READY', registered_at = now(), last_heartbeat_at = now(),
                       session_token_hash = :session,
                       provider_resource_id = COALESCE(:rid, provider_resource_id)
                WHERE id = :id AND state = 'PROVISIONING' AND destroyed_at IS NULL""", p) == 1;
    }

    /**
     * After a control-plane restart every live worker's silence started, at the latest, when the
     * server went down: restart the clock, so agents get the full deadline to reconnect.
     */
    public int restartHeartbeatClocks() {
        return jdbc.update("""
                UPDATE workers SET last_heartbeat_at = now()
                WHERE destroyed_at IS NULL AND state IN ('READY', 'BUSY')""", Map.of());
    }

    public void heartbeat(UUID workerId) {
        jdbc.update("UPDATE workers SET last_heartbeat_at = now() WHERE id = :id AND destroyed_at IS NULL",
                Map.of("id", workerId));
    }

    public boolean markBusy(UUID workerId) {
        return jdbc.update("UPDATE workers SET state = 'BUSY' WHERE id = :id AND state = 'READY'",
                Map.of("id", workerId)) == 1;
    }

    /** The worker will take no more work; destruction follows. */
    public void markTerminated(UUID workerId, String why) {
        MapSqlParameterSource p = new MapSqlParameterSource().addValue("id", workerId).addValue("why", why);
        jdbc.update("""
                UPDATE workers SET state = 'TERMINATED', terminated_at = COALESCE(terminated_at, now()),
                       last_error = COALESCE(:why, last_error)
                WHERE id = :id""", p);
    }

    /** Marks the resource gone; returns when the worker was terminated, or empty if it was already destroyed. */
    public Optional<Instant> markDestroyed(UUID workerId, String reason) {
        return jdbc.query("""
                UPDATE workers SET state = 'TERMINATED', destroyed_at = now(), destroy_reason = :reason,
                       terminated_at = COALESCE(terminated_at, now())
                WHERE id = :id AND destroyed_at IS NULL
                RETURNING terminated_at""", Map.of("id", workerId, "reason", reason),
                (rs, i) -> rs.getTimestamp(1).toInstant()).stream().findFirst();
    }

    public void recordError(UUID workerId, String error) {
        jdbc.update("UPDATE workers SET last_error = :e WHERE id = :id", Map.of("id", workerId, "e", error));
    }

    /** Live workers stuck in {@code states} past {@code age}, measured from {@code column}. */
    public List<WorkerRecord> stale(Set<WorkerState> states, String column, Duration age) {
        return jdbc.query("""
                SELECT * FROM workers
                WHERE destroyed_at IS NULL AND state IN (:states)
                  AND %s < now() - make_interval(secs => :age)""".formatted(column),
                Map.of("states", states.stream().map(Enum::name).toList(), "age", age.toMillis() / 1000.0),
                WorkerRecord::map);
    }

    /** The live worker made for the job, if any. */
    public Optional<UUID> liveWorkerOf(UUID jobId) {
        return jdbc.queryForList("SELECT id FROM workers WHERE job_id = :job AND destroyed_at IS NULL",
                Map.of("job", jobId), UUID.class).stream().findFirst();
    }

    public Set<UUID> liveIds() {
        return Set.copyOf(jdbc.queryForList("SELECT id FROM workers WHERE destroyed_at IS NULL", Map.of(), UUID.class));
    }
}
