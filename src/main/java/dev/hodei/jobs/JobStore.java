package dev.hodei.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import hodei.v1.JobSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import dev.hodei.integrations.LifecycleEvents;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The {@code jobs} and {@code job_events} tables. Every state change is one guarded statement
 * ({@code WHERE state IN (expected)}) that also appends its event, so two routes can never both
 * move the same job.
 */
@Repository
public class JobStore {

    private final NamedParameterJdbcTemplate jdbc;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final JobSignals signals;
    private final LifecycleEvents events;

    public JobStore(NamedParameterJdbcTemplate jdbc, ObjectMapper json, MeterRegistry meters, JobSignals signals,
                    LifecycleEvents events) {
        this.events = events;
        this.jdbc = jdbc;
        this.json = json;
        this.meters = meters;
        this.signals = signals;
        Gauge.builder("hodei_job_queue_depth", this, JobStore::queueDepth)
                .description("Jobs waiting to be claimed")
                .register(meters);
    }

    /** A job accepted by {@link JobStore#submit}; {@code created} is false when the idempotency key matched. */
    public record Submitted(JobRecord job, boolean created) {}

    /**
     * What links a job to the template it runs: written with the job, never changed. Parameters are
     * already redacted; secrets travel only in {@code secretEnv}, encrypted for the row {@code jobId}
     * (the id the job is stored under, chosen by the caller so the ciphertext can be bound to it).
     */
    public record RunLink(UUID jobId, UUID templateId, String templateName, int templateVersion, long runNumber, String trigger,
                          String triggeredBy, UUID scheduleId, Instant scheduledFireAt,
                          Map<String, String> parameters, byte[] secretEnv) {}

    /** Where a job belongs and who asked for it. */
    public record Origin(String namespace, String principal) {
        public static final Origin DEFAULT = new Origin("default", null);
    }

    public Submitted submit(JobSpec spec, String idempotencyKey, String provider, int maxAttempts, long runTimeoutSeconds) {
        return submit(spec, idempotencyKey, Origin.DEFAULT, provider, maxAttempts, runTimeoutSeconds, null);
    }

    /**
     * @throws io.grpc.StatusRuntimeException ALREADY_EXISTS when the idempotency key names a job
     *         of the namespace with another spec (or another template)
     */
    public Submitted submit(JobSpec spec, String idempotencyKey, Origin origin, String provider, int maxAttempts,
                            long runTimeoutSeconds, RunLink run) {
        UUID id = run == null ? UUID.randomUUID() : run.jobId();
        String key = idempotencyKey == null || idempotencyKey.isEmpty() ? null : idempotencyKey;
        MapSqlParameterSource p = new MapSqlParameterSource()
                .addValue("id", id)
                .addValue("key", key)
                .addValue("namespace", origin.namespace())
                .addValue("principal", origin.principal())
                .addValue("name", spec.getName().isEmpty() ? null : spec.getName())
                .addValue("spec", spec.toByteArray())
                .addValue("provider", provider)
                .addValue("priority", spec.getPriority())
                .addValue("labels", toJson(spec.getLabelsMap()))
                .addValue("maxAttempts", maxAttempts)
                .addValue("timeout", runTimeoutSeconds)
                .addValue("queueTimeout", spec.getQueueTimeoutSeconds())
                .addValue("templateId", run == null ? null : run.templateId())
                .addValue("templateName", run == null ? null : run.templateName())
                .addValue("templateVersion", run == null ? null : run.templateVersion())
                .addValue("runNumber", run == null ? null : run.runNumber())
                .addValue("trigger", run == null ? null : run.trigger())
                .addValue("triggeredBy", run == null ? null : run.triggeredBy())
                .addValue("scheduleId", run == null ? null : run.scheduleId())
                .addValue("fireAt", run == null || run.scheduledFireAt() == null ? null
                        : java.sql.Timestamp.from(run.scheduledFireAt()), java.sql.Types.TIMESTAMP)
                .addValue("parameters", run == null ? null : toJson(run.parameters()))
                .addValue("secretEnv", run == null ? null : run.secretEnv(), java.sql.Types.BINARY);
        Integer inserted = jdbc.queryForObject("""
                WITH ins AS (
                    INSERT INTO jobs (id, idempotency_key, namespace, submitted_by, name, spec, state, provider,
                                      priority, labels, max_attempts, run_timeout_s, queue_deadline,
                                      template_id, template_name, template_version, run_number, run_trigger,
                                      triggered_by, schedule_id, scheduled_fire_at, parameters, secret_env)
                    VALUES (:id, :key, :namespace, :principal, :name, :spec, 'PENDING', :provider, :priority,
                            CAST(:labels AS jsonb),
                            :maxAttempts, :timeout,
                            CASE WHEN :queueTimeout > 0 THEN now() + make_interval(secs => :queueTimeout) END,
                            :templateId, :templateName, :templateVersion, :runNumber, :trigger,
                            :triggeredBy, :scheduleId, :fireAt, CAST(:parameters AS jsonb), :secretEnv)
                    ON CONFLICT (namespace, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                    RETURNING id),
                ev AS (
                    INSERT INTO job_events (job_id, from_state, to_state, attempt, reason, principal)
                    SELECT id, NULL, 'PENDING', 0, 'submitted', :principal FROM ins)
                SELECT count(*) FROM ins""", p, Integer.class);
        if (inserted != null && inserted == 1) {
            countEntered(JobState.PENDING);
            JobRecord job = find(id).orElseThrow();
            afterCommit(() -> events.job("job-submitted", job));
            return new Submitted(job, true);
        }
        JobRecord existing = findByIdempotencyKey(origin.namespace(), key).orElseThrow();
        boolean sameRequest = run == null ? existing.run() == null && existing.spec().equals(spec)
                : existing.run() != null && existing.run().getTemplateId().equals(run.templateId().toString());
        if (!sameRequest) throw keyTaken(existing);
        return new Submitted(existing, false);
    }

    /** A retry must not silently get another client's job: a key reused for something else is refused. */
    public static io.grpc.StatusRuntimeException keyTaken(JobRecord existing) {
        return io.grpc.Status.ALREADY_EXISTS.withDescription("idempotency_key: already used in namespace "
                + existing.namespace() + " by job " + existing.id() + " with a different request").asRuntimeException();
    }

    /** Inside a transaction (a template run), listeners hear of the job once it is committed. */
    private static void afterCommit(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }

    public Optional<JobRecord> findByIdempotencyKey(String namespace, String key) {
        return jdbc.query("SELECT * FROM jobs WHERE namespace = :ns AND idempotency_key = :key",
                Map.of("ns", namespace, "key", key), JobRecord::map).stream().findFirst();
    }

    public Optional<JobRecord> find(UUID id) {
        return jdbc.query("SELECT * FROM jobs WHERE id = :id", Map.of("id", id), JobRecord::map)
                .stream().findFirst();
    }

    /**
     * Claims up to {@code limit} due PENDING jobs in one statement: FOR UPDATE SKIP LOCKED lets
     * several control planes claim concurrently without ever taking the same job.
     */
    public List<JobRecord> claimPending(int limit) {
        List<JobRecord> claimed = jdbc.query("""
                WITH claimed AS (
                    UPDATE jobs SET state = 'ASSIGNED', attempt = attempt + 1, agent_chunks = 0, updated_at = now()
                    WHERE id IN (SELECT id FROM jobs
                                 WHERE state = 'PENDING' AND not_before <= now()
                                 ORDER BY priority DESC, created_at
                                 FOR UPDATE SKIP LOCKED
                                 LIMIT :limit)
                    RETURNING *),
                ev AS (
                    INSERT INTO job_events (job_id, from_state, to_state, attempt, reason)
                    SELECT id, 'PENDING', 'ASSIGNED', attempt, 'claimed' FROM claimed)
                SELECT * FROM claimed ORDER BY priority DESC, created_at""",
                Map.of("limit", limit), JobRecord::map);
        claimed.forEach(j -> countEntered(JobState.ASSIGNED));
        return claimed;
    }

    /**
     * Moves a job from one of {@code from} to {@code to}, appending the event, if and only if it is
     * still in one of those states (and, when given, still on {@code attempt}).
     *
     * @param extraSet further {@code column = :param} assignments, e.g. {@code "exit_code = :exit"}
     * @return the state it left, or empty when the guard did not match
     */
    public Optional<JobState> transition(UUID jobId, Collection<JobState> from, JobState to, String reason,
                                         Integer attempt, String extraSet, Map<String, ?> params) {
        MapSqlParameterSource p = new MapSqlParameterSource(new HashMap<>(params))
                .addValue("principal", params.get("principal"), java.sql.Types.VARCHAR)
                .addValue("id", jobId)
                .addValue("from", from.stream().map(Enum::name).toList())
                .addValue("to", to.name())
                .addValue("reason", reason)
                .addValue("attempt", attempt);
        String sql = """
                WITH prev AS (
                    SELECT id, state FROM jobs
                    WHERE id = :id AND state IN (:from) %s
                    FOR UPDATE),
                upd AS (
                    UPDATE jobs j SET state = :to, updated_at = now() %s
                    FROM prev WHERE j.id = prev.id
                    RETURNING j.id, j.attempt, j.cancelled_by, prev.state AS from_state),
                ev AS (
                    INSERT INTO job_events (job_id, from_state, to_state, attempt, reason, principal)
                    SELECT id, from_state, :to, attempt, :reason,
                           coalesce(:principal, CASE WHEN :to = 'CANCELLED' THEN cancelled_by END) FROM upd)
                SELECT from_state FROM upd""".formatted(
                attempt == null ? "" : "AND attempt = :attempt",
                extraSet == null || extraSet.isBlank() ? "" : ", " + extraSet);
        Optional<JobState> left = jdbc.queryForList(sql, p, String.class).stream().findFirst().map(JobState::valueOf);
        left.ifPresent(s -> {
            countEntered(to);
            signals.signal(jobId);
            if (to.isTerminal()) find(jobId).ifPresent(job -> events.job("job-finished", job));
        });
        return left;
    }

    public Optional<JobState> transition(UUID jobId, Collection<JobState> from, JobState to, String reason) {
        return transition(jobId, from, to, reason, null, null, Map.of());
    }

    /**
     * Ends the current attempt with a retryable failure: back to PENDING with an exponential
     * backoff while attempts remain, otherwise FAILED with {@code reason}. Extra assignments (e.g.
     * the attempt's exit code) are applied either way.
     */
    public Optional<JobState> failAttempt(UUID jobId, int attempt, Collection<JobState> from, String reason,
                                          Duration backoff, Duration backoffCap) {
        JobRecord job = find(jobId).orElse(null);
        if (job == null || job.attempt() != attempt || !from.contains(job.state())) return Optional.empty();
        if (job.cancelRequested()) {
            return transition(jobId, from, JobState.CANCELLED, "cancelled (" + reason + ")", attempt,
                    "failure_reason = 'cancelled', finished_at = now()", Map.of());
        }
        if (attempt < job.maxAttempts()) {
            long base = job.spec().getRetryBackoffMs() > 0 ? job.spec().getRetryBackoffMs() : backoff.toMillis();
            long cap = job.spec().getRetryBackoffMaxMs() > 0 ? job.spec().getRetryBackoffMaxMs() : backoffCap.toMillis();
            long delayMs = backoffMs(base, cap, attempt);
            return transition(jobId, from, JobState.PENDING, reason + "; retrying (attempt " + (attempt + 1)
                            + " of " + job.maxAttempts() + ")", attempt,
                    "worker_id = NULL, failure_reason = :why, not_before = now() + make_interval(secs => :delay)",
                    Map.of("why", reason, "delay", delayMs / 1000.0));
        }
        return transition(jobId, from, JobState.FAILED, reason, attempt,
                "failure_reason = :why, finished_at = now()", Map.of("why", reason));
    }

    /**
     * {@code base}·2^(attempt−1), at most {@code cap}: saturates instead of letting the shift wrap
     * round to a negative or tiny delay, whatever the base (the server's setting is not bounded).
     */
    static long backoffMs(long base, long cap, int attempt) {
        int shift = Math.max(0, Math.min(attempt - 1, 20));
        long delay = base > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : base << shift;
        return Math.max(0, Math.min(cap, delay));
    }

    /**
     * Jobs claimed but never handed to a provider (the server died between the two, or scheduling
     * failed) go back to the queue as a failed attempt.
     */
    public int releaseStuckAssigned(Duration after, Duration backoff, Duration backoffCap) {
        List<JobRecord> stuck = jdbc.query("""
                SELECT * FROM jobs WHERE state = 'ASSIGNED' AND updated_at < now() - make_interval(secs => :after)""",
                Map.of("after", after.toMillis() / 1000.0), JobRecord::map);
        stuck.forEach(j -> failAttempt(j.id(), j.attempt(), List.of(JobState.ASSIGNED),
                "SCHEDULING_FAILED: claimed but never provisioned", backoff, backoffCap));
        return stuck.size();
    }

    /** Fails the PENDING jobs whose queue deadline passed; returns how many. */
    public int expireQueued() {
        List<UUID> expired = jdbc.queryForList("""
                SELECT id FROM jobs WHERE state = 'PENDING' AND queue_deadline < now()""", Map.of(), UUID.class);
        int n = 0;
        for (UUID id : expired) {
            n += transition(id, List.of(JobState.PENDING), JobState.FAILED, "QUEUE_TIMEOUT: not started in time", null,
                    "failure_reason = 'QUEUE_TIMEOUT: not started in time', finished_at = now()", Map.of()).isPresent() ? 1 : 0;
        }
        return n;
    }

    /** The first request's principal is kept: that is who cancelled it. */
    public void markCancelRequested(UUID jobId, String principal) {
        jdbc.update("""
                UPDATE jobs SET cancel_requested = true, updated_at = now(),
                       cancelled_by = CASE WHEN cancel_requested THEN cancelled_by ELSE :by END
                WHERE id = :id""", new MapSqlParameterSource().addValue("id", jobId)
                .addValue("by", principal, java.sql.Types.VARCHAR));
    }

    /** A filter and keyset position for {@link #list}. */
    /** {@code namespaces}: null = all. */
    public record ListQuery(Collection<JobState> states, Map<String, String> labels, int limit,
                            Instant afterCreatedAt, UUID afterId, Collection<String> namespaces) {
        public ListQuery(Collection<JobState> states, Map<String, String> labels, int limit, Instant afterCreatedAt,
                         UUID afterId) {
            this(states, labels, limit, afterCreatedAt, afterId, null);
        }
    }

    public List<JobRecord> list(ListQuery q) {
        MapSqlParameterSource p = new MapSqlParameterSource()
                .addValue("labels", toJson(q.labels()))
                .addValue("limit", q.limit());
        StringBuilder sql = new StringBuilder("SELECT * FROM jobs WHERE labels @> CAST(:labels AS jsonb)");
        if (q.namespaces() != null) {
            if (q.namespaces().isEmpty()) return List.of();
            sql.append(" AND namespace IN (:namespaces)");
            p.addValue("namespaces", q.namespaces());
        }
        if (!q.states().isEmpty()) {
            sql.append(" AND state IN (:states)");
            p.addValue("states", q.states().stream().map(Enum::name).toList());
        }
        if (q.afterId() != null) {
            sql.append(" AND (created_at, id) < (:afterTs, :afterId)");
            p.addValue("afterTs", java.sql.Timestamp.from(q.afterCreatedAt())).addValue("afterId", q.afterId());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        return jdbc.query(sql.toString(), p, JobRecord::map);
    }

    /** One row of {@code job_events}. */
    public record Event(long id, UUID jobId, String fromState, String toState, int attempt, String reason, Instant at,
                        String principal) {}

    public List<Event> eventsAfter(UUID jobId, long afterId) {
        return jdbc.query("SELECT * FROM job_events WHERE job_id = :id AND id > :after ORDER BY id",
                Map.of("id", jobId, "after", afterId),
                (rs, i) -> new Event(rs.getLong("id"), rs.getObject("job_id", UUID.class), rs.getString("from_state"),
                        rs.getString("to_state"), rs.getInt("attempt"), rs.getString("reason"),
                        rs.getTimestamp("at").toInstant(), rs.getString("principal")));
    }

    private double queueDepth() {
        Long n = jdbc.getJdbcTemplate().queryForObject("SELECT count(*) FROM jobs WHERE state = 'PENDING'", Long.class);
        return n == null ? 0 : n;
    }

    private void countEntered(JobState state) {
        meters.counter("hodei_jobs_total", "state", state.name()).increment();
    }

    private String toJson(Map<String, String> map) {
        try {
            return json.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
