package dev.hodei.workers;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The {@code workers} table; each state change is guarded by the states that
 * {@link WorkerStateMachine} lets into it.
 */
@Repository
public class WorkerStore {

    static {
        // the two ways into READY, each written below with its one from-state
        if (!WorkerStateMachine.allows(WorkerState.PROVISIONING, WorkerState.READY)
                || !WorkerStateMachine.allows(WorkerState.BUSY, WorkerState.READY)) {
            throw new IllegalStateException("WorkerStore's edges into READY are not in WorkerStateMachine");
        }
    }
    private static final List<String> INTO_BUSY = names(WorkerStateMachine.into(WorkerState.BUSY));
    private static final List<String> INTO_TERMINATED = names(WorkerStateMachine.into(WorkerState.TERMINATED));

    private final NamedParameterJdbcTemplate jdbc;

    public WorkerStore(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insertProvisioning(UUID workerId, String provider, UUID jobId, int attempt) {
        jdbc.update("""
                INSERT INTO workers (id, provider, state, mode, job_id, job_attempt)
                VALUES (:id, :provider, :state, 'ephemeral', :job, :attempt)""",
                Map.of("id", workerId, "provider", provider, "state", WorkerStateMachine.INITIAL.name(), "job", jobId,
                        "attempt", attempt));
    }

    /** A warm worker of {@code pool}: made before any job, it waits READY for one to take it. */
    public void insertWarm(UUID workerId, String provider, String pool, String image, double cpu, long memoryMb,
                           String namespace, boolean reusable) {
        jdbc.update("""
                INSERT INTO workers (id, provider, state, mode, pool, image, cpu, memory_mb, namespace)
                VALUES (:id, :provider, :state, :mode, :pool, :image, :cpu, :memory, :namespace)""",
                new MapSqlParameterSource().addValue("id", workerId).addValue("provider", provider)
                        .addValue("state", WorkerStateMachine.INITIAL.name()).addValue("pool", pool)
                        .addValue("mode", reusable ? "reusable" : "ephemeral").addValue("image", image)
                        .addValue("cpu", cpu).addValue("memory", memoryMb).addValue("namespace", namespace));
    }

    /** A live warm worker no job has taken yet (or a reusable one back from its last job); {@code namespace} null: any. */
    public record Untaken(UUID id, String pool, String provider, String image, double cpu, long memoryMb,
                          String namespace, WorkerState state, Instant since, Instant createdAt) {}

    /** Every live warm worker no job has taken, oldest first. */
    public List<Untaken> untaken() {
        return jdbc.query("""
                SELECT id, pool, provider, image, cpu, memory_mb, namespace, state, created_at,
                       COALESCE(idle_since, registered_at, created_at) AS since
                FROM workers WHERE pool IS NOT NULL AND job_id IS NULL AND destroyed_at IS NULL AND state <> 'TERMINATED'
                ORDER BY since""", Map.of(),
                (rs, i) -> new Untaken(rs.getObject("id", UUID.class), rs.getString("pool"), rs.getString("provider"),
                        rs.getString("image"), rs.getDouble("cpu"), rs.getLong("memory_mb"), rs.getString("namespace"),
                        WorkerState.valueOf(rs.getString("state")), rs.getTimestamp("since").toInstant(),
                        rs.getTimestamp("created_at").toInstant()));
    }

    /** Warm workers of a pool that ended without ever registering: how many since a time, and the last one's end. */
    public record FailedStarts(int count, Instant last) {}

    public FailedStarts failedStarts(String pool, Instant since) {
        return jdbc.queryForObject("""
                SELECT count(*) AS n, max(terminated_at) AS last FROM workers
                WHERE pool = :pool AND job_id IS NULL AND registered_at IS NULL AND state = 'TERMINATED'
                  AND terminated_at >= :since AND destroy_reason IS DISTINCT FROM 'pool-drained'""", Map.of("pool", pool, "since", java.sql.Timestamp.from(since)),
                (rs, i) -> new FailedStarts(rs.getInt("n"),
                        rs.getTimestamp("last") == null ? null : rs.getTimestamp("last").toInstant()));
    }

    /** Workers jobs took from {@code pool} since {@code since}. */
    public int takenSince(String pool, Instant since) {
        Integer n = jdbc.queryForObject("SELECT count(*) FROM workers WHERE pool = :pool AND taken_at >= :since",
                Map.of("pool", pool, "since", java.sql.Timestamp.from(since)), Integer.class);
        return n == null ? 0 : n;
    }

    /**
     * Binds one READY warm worker that fits the job (same provider and image, started with at least
     * what the job asks) and whose stream is in {@code connected} to the job's attempt; empty when
     * none is free. Concurrent takers never get the same worker (SKIP LOCKED).
     */
    /** A warm worker a job took: what it was started with, which the job holds from now on. */
    public record Taken(UUID id, String pool, double cpu, long memoryMb) {}

    public Optional<Taken> take(UUID jobId, int attempt, String namespace, String provider, String image, double cpu,
                                long memoryMb, Set<UUID> connected) {
        if (connected.isEmpty()) return Optional.empty();
        return jdbc.query("""
                UPDATE workers SET job_id = :job, job_attempt = :attempt, taken_at = now(), jobs_taken = jobs_taken + 1
                WHERE id = (SELECT id FROM workers
                            WHERE pool IS NOT NULL AND job_id IS NULL AND destroyed_at IS NULL AND state = 'READY'
                              AND provider = :provider AND image = :image AND cpu >= :cpu - 1e-9 AND memory_mb >= :memory
                              AND (namespace IS NULL OR namespace = :namespace) AND id IN (:connected)
                            ORDER BY COALESCE(idle_since, registered_at) LIMIT 1 FOR UPDATE SKIP LOCKED)
                  AND job_id IS NULL
                RETURNING id, pool, cpu, memory_mb""", new MapSqlParameterSource().addValue("job", jobId)
                .addValue("attempt", attempt).addValue("namespace", namespace).addValue("provider", provider)
                .addValue("image", image).addValue("cpu", cpu).addValue("memory", memoryMb).addValue("connected", connected),
                (rs, i) -> new Taken(rs.getObject("id", UUID.class), rs.getString("pool"), rs.getDouble("cpu"),
                        rs.getLong("memory_mb"))).stream().findFirst();
    }

    /**
     * A reusable worker's job ended: back to its pool, READY for the next (BUSY → READY); false if
     * it already ended or no longer holds that attempt.
     */
    public boolean release(UUID workerId, UUID jobId, int attempt) {
        return jdbc.update("""
                UPDATE workers SET state = 'READY', job_id = NULL, job_attempt = NULL, idle_since = now()
                WHERE id = :id AND mode = 'reusable' AND state = 'BUSY' AND destroyed_at IS NULL
                  AND job_id = :job AND job_attempt = :attempt""",
                Map.of("id", workerId, "job", jobId, "attempt", attempt)) == 1;
    }

    /**
     * A BUSY worker whose job ended before {@code before} yet was neither released nor destroyed (a
     * reusable worker whose release failed after its acknowledgement went out): the GC ends it.
     */
    public List<WorkerRecord> busyAfterTheirJob(Instant before) {
        return jdbc.query("""
                SELECT w.* FROM workers w JOIN jobs j ON j.id = w.job_id
                WHERE w.state = 'BUSY' AND w.destroyed_at IS NULL AND j.finished_at < :before""",
                Map.of("before", java.sql.Timestamp.from(before)), WorkerRecord::map);
    }

    /** Retires a warm worker that no job has taken: false when one took it meanwhile, or it already ended. */
    public boolean retireUntaken(UUID workerId, String why) {
        MapSqlParameterSource p = new MapSqlParameterSource().addValue("id", workerId).addValue("why", why)
                .addValue("from", INTO_TERMINATED);
        return jdbc.update("""
                UPDATE workers SET state = 'TERMINATED', terminated_at = now(), last_error = :why
                WHERE id = :id AND job_id IS NULL AND state IN (:from)""", p) == 1;
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
                .addValue("id", workerId).addValue("rid", resourceIdFromToken).addValue("session", sessionTokenHash)
;
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

    /** As {@link #restartHeartbeatClocks()}, from {@code at} (the reaper's clock), never moving a clock back. */
    public int restartHeartbeatClocks(Instant at) {
        return jdbc.update("""
                UPDATE workers SET last_heartbeat_at = :at
                WHERE destroyed_at IS NULL AND state IN ('READY', 'BUSY') AND last_heartbeat_at < :at""",
                Map.of("at", java.sql.Timestamp.from(at)));
    }

    public void heartbeat(UUID workerId) {
        jdbc.update("UPDATE workers SET last_heartbeat_at = now() WHERE id = :id AND destroyed_at IS NULL",
                Map.of("id", workerId));
    }

    public boolean markBusy(UUID workerId) {
        return jdbc.update("UPDATE workers SET state = 'BUSY' WHERE id = :id AND state IN (:from)",
                Map.of("id", workerId, "from", INTO_BUSY)) == 1;
    }

    /** The worker will take no more work; destruction follows. False when it had already ended. */
    public boolean markTerminated(UUID workerId, String why) {
        MapSqlParameterSource p = new MapSqlParameterSource().addValue("id", workerId).addValue("why", why)
                .addValue("from", INTO_TERMINATED);
        return jdbc.update("""
                UPDATE workers SET state = 'TERMINATED', terminated_at = now(), last_error = COALESCE(:why, last_error)
                WHERE id = :id AND state IN (:from)""", p) == 1;
    }

    /**
     * Marks the resource of a TERMINATED worker gone; returns when the worker was terminated, or
     * empty if it was already destroyed.
     */
    public Optional<Instant> markDestroyed(UUID workerId, DestroyReason reason) {
        // its commands end with it
        jdbc.update("DELETE FROM agent_commands WHERE worker_id = :id", Map.of("id", workerId));
        return jdbc.query("""
                UPDATE workers SET destroyed_at = now(), destroy_reason = :reason, replica_id = NULL
                WHERE id = :id AND state = 'TERMINATED' AND destroyed_at IS NULL
                RETURNING terminated_at""", Map.of("id", workerId, "reason", reason.label()),
                (rs, i) -> rs.getTimestamp(1).toInstant()).stream().findFirst();
    }

    /** The worker's agent stream is now held by {@code replica}. */
    public void connectedTo(UUID workerId, UUID replica) {
        jdbc.update("UPDATE workers SET replica_id = :r WHERE id = :id", Map.of("id", workerId, "r", replica));
    }

    /** The stream {@code replica} held closed; a stream since opened elsewhere is left alone. */
    public void disconnectedFrom(UUID workerId, UUID replica) {
        jdbc.update("UPDATE workers SET replica_id = NULL WHERE id = :id AND replica_id = :r",
                Map.of("id", workerId, "r", replica));
    }

    /**
     * The live workers whose stream a dead replica held: their heartbeat clock starts again, so
     * their agents have the whole lost-after deadline to reconnect to another replica.
     */
    public int graceAfterReplicaLoss(UUID deadReplica) {
        return jdbc.update("""
                UPDATE workers SET last_heartbeat_at = now(), replica_id = NULL
                WHERE replica_id = :r AND destroyed_at IS NULL AND state IN ('READY', 'BUSY')""", Map.of("r", deadReplica));
    }

    public void recordError(UUID workerId, String error) {
        jdbc.update("UPDATE workers SET last_error = :e WHERE id = :id", Map.of("id", workerId, "e", error));
    }

    /** Workers still starting that were made before {@code before}. */
    public List<WorkerRecord> startedBefore(Instant before) {
        return stale(Set.of(WorkerState.PROVISIONING), "created_at", before);
    }

    /** Registered workers whose last heartbeat came before {@code before}. */
    public List<WorkerRecord> silentSince(Instant before) {
        return stale(Set.of(WorkerState.READY, WorkerState.BUSY), "last_heartbeat_at", before);
    }

    /** Terminated before {@code before} but never destroyed: a destroy failed, or the server died mid-way. */
    public List<WorkerRecord> undestroyedSince(Instant before) {
        return stale(Set.of(WorkerState.TERMINATED), "terminated_at", before);
    }

    private List<WorkerRecord> stale(Set<WorkerState> states, String column, Instant before) {
        return jdbc.query("""
                SELECT * FROM workers
                WHERE destroyed_at IS NULL AND state IN (:states) AND %s < :before""".formatted(column),
                Map.of("states", names(states), "before", java.sql.Timestamp.from(before)), WorkerRecord::map);
    }

    private static List<String> names(Set<WorkerState> states) {
        return states.stream().map(Enum::name).sorted().toList();
    }

    /** The live worker made for the job, if any. */
    public Optional<UUID> liveWorkerOf(UUID jobId) {
        return jdbc.queryForList("SELECT id FROM workers WHERE job_id = :job AND destroyed_at IS NULL",
                Map.of("job", jobId), UUID.class).stream().findFirst();
    }

    public boolean anyLiveOn(String provider) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM workers WHERE provider = :provider AND destroyed_at IS NULL)",
                Map.of("provider", provider), Boolean.class));
    }

    public Set<UUID> liveIds() {
        return Set.copyOf(jdbc.queryForList("SELECT id FROM workers WHERE destroyed_at IS NULL", Map.of(), UUID.class));
    }
}
