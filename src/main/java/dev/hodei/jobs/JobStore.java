package dev.hodei.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import hodei.v1.JobSpec;
import java.time.Instant;
import dev.hodei.capacity.Admission;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.support.AbstractSqlTypeValue;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Repository;

/**
 * The {@code jobs} and {@code job_events} tables: submitting and reading jobs. State changes are
 * {@link JobTransitions}'.
 */
@Repository
public class JobStore {

    private final NamedParameterJdbcTemplate jdbc;
    private final ObjectMapper json;
    private final ApplicationEventPublisher publisher;

    public JobStore(NamedParameterJdbcTemplate jdbc, ObjectMapper json, ApplicationEventPublisher publisher) {
        this.jdbc = jdbc;
        this.json = json;
        this.publisher = publisher;
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

    /** What a job is counted for against its provider's capacity. */
    public record Request(double cpu, long memoryMb, String concurrencyKey, int concurrencyLimit) {
        public static final Request NONE = new Request(0, 0, null, 1);
    }

    public Submitted submit(JobSpec spec, String idempotencyKey, String provider, int maxAttempts, long runTimeoutSeconds) {
        return submit(spec, idempotencyKey, Origin.DEFAULT, provider, maxAttempts, runTimeoutSeconds, null, Request.NONE);
    }

    /**
     * @throws io.grpc.StatusRuntimeException ALREADY_EXISTS when the idempotency key names a job
     *         of the namespace with another spec (or another template)
     */
    public Submitted submit(JobSpec spec, String idempotencyKey, Origin origin, String provider, int maxAttempts,
                            long runTimeoutSeconds, RunLink run, Request request) {
        UUID id = run == null ? UUID.randomUUID() : run.jobId();
        String key = key(idempotencyKey);
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
                .addValue("image", spec.getImage())
                .addValue("cpu", request.cpu())
                .addValue("memory", request.memoryMb())
                .addValue("concurrencyKey", request.concurrencyKey())
                .addValue("concurrencyLimit", request.concurrencyLimit())
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
        // the row as inserted, not read again; none when the idempotency key was taken
        List<JobRecord> inserted = jdbc.query("""
                WITH ins AS (
                    INSERT INTO jobs (id, idempotency_key, namespace, submitted_by, name, spec, state, provider,
                                      priority, labels, max_attempts, run_timeout_s, queue_deadline,
                                      template_id, template_name, template_version, run_number, run_trigger,
                                      triggered_by, schedule_id, scheduled_fire_at, parameters, secret_env,
                                      cpu_request, memory_mb_request, concurrency_key, concurrency_limit, image)
                    VALUES (:id, :key, :namespace, :principal, :name, :spec, 'PENDING', :provider, :priority,
                            CAST(:labels AS jsonb),
                            :maxAttempts, :timeout,
                            CASE WHEN :queueTimeout > 0 THEN now() + make_interval(secs => :queueTimeout) END,
                            :templateId, :templateName, :templateVersion, :runNumber, :trigger,
                            :triggeredBy, :scheduleId, :fireAt, CAST(:parameters AS jsonb), :secretEnv,
                            :cpu, :memory, :concurrencyKey, :concurrencyLimit, :image)
                    ON CONFLICT (namespace, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                    RETURNING *),
                ev AS (
                    INSERT INTO job_events (job_id, from_state, to_state, attempt, reason, principal)
                    SELECT id, NULL, 'PENDING', 0, 'submitted', :principal FROM ins)
                SELECT * FROM ins""", p, JobRecord::map);
        if (!inserted.isEmpty()) {
            JobRecord job = inserted.get(0);
            publisher.publishEvent(new JobTransitioned(job, null));
            return new Submitted(job, true);
        }
        return holding(origin.namespace(), key, spec, run);
    }

    /** An idempotency key as stored: none when empty. */
    private static String key(String idempotencyKey) {
        return idempotencyKey == null || idempotencyKey.isEmpty() ? null : idempotencyKey;
    }

    /**
     * The job that already holds the key, when it was the same request (the same spec, or a run of
     * the same template): not created again.
     *
     * @throws io.grpc.StatusRuntimeException ALREADY_EXISTS when it was another request
     */
    private Submitted holding(String namespace, String key, JobSpec spec, RunLink run) {
        JobRecord existing = findByIdempotencyKey(namespace, key).orElseThrow();
        boolean sameRequest = run == null ? existing.run() == null && existing.spec().equals(spec)
                : existing.run() != null && existing.run().getTemplateId().equals(run.templateId().toString());
        if (!sameRequest) throw keyTaken(existing);
        return new Submitted(existing, false);
    }

    /** A job of a batch ({@link #submitAll}), as {@link #submit} takes one that runs no template. */
    public record NewJob(JobSpec spec, String idempotencyKey, Origin origin, String provider, int maxAttempts,
                         long runTimeoutSeconds, Request request) {}

    /** A batch refused because of its request {@code index}: {@code status} says why. */
    public static final class Refused extends RuntimeException {
        private final int index;
        private final io.grpc.StatusRuntimeException status;

        Refused(int index, io.grpc.StatusRuntimeException status) {
            super(status.getMessage(), null, false, false);
            this.index = index;
            this.status = status;
        }

        public int index() {
            return index;
        }

        public io.grpc.StatusRuntimeException status() {
            return status;
        }
    }

    /**
     * Every job of the batch in one statement, with its PENDING event, in the caller's transaction:
     * one insert per job was most of a large SubmitJobs' time. In the batch's order; a job whose
     * idempotency key is taken (earlier in the same batch too) comes back as the job that has it,
     * not created — as {@link #submit} would, one by one.
     *
     * @throws Refused naming the request whose key names a job that was another request
     */
    public List<Submitted> submitAll(List<NewJob> batch) {
        int n = batch.size();
        UUID[] ids = new UUID[n];
        String[] keys = new String[n], namespaces = new String[n], principals = new String[n], names = new String[n],
                providers = new String[n], labels = new String[n], images = new String[n], concurrencyKeys = new String[n];
        byte[][] specs = new byte[n][];
        Integer[] priorities = new Integer[n], maxAttempts = new Integer[n], concurrencyLimits = new Integer[n];
        Long[] timeouts = new Long[n], queueTimeouts = new Long[n], memory = new Long[n];
        Double[] cpu = new Double[n];
        for (int i = 0; i < n; i++) {
            NewJob j = batch.get(i);
            JobSpec spec = j.spec();
            ids[i] = UUID.randomUUID();
            keys[i] = key(j.idempotencyKey());
            namespaces[i] = j.origin().namespace();
            principals[i] = j.origin().principal();
            names[i] = spec.getName().isEmpty() ? null : spec.getName();
            specs[i] = spec.toByteArray();
            providers[i] = j.provider();
            priorities[i] = spec.getPriority();
            labels[i] = toJson(spec.getLabelsMap());
            maxAttempts[i] = j.maxAttempts();
            timeouts[i] = j.runTimeoutSeconds();
            queueTimeouts[i] = spec.getQueueTimeoutSeconds();
            images[i] = spec.getImage();
            cpu[i] = j.request().cpu();
            memory[i] = j.request().memoryMb();
            concurrencyKeys[i] = j.request().concurrencyKey();
            concurrencyLimits[i] = j.request().concurrencyLimit();
        }
        MapSqlParameterSource p = new MapSqlParameterSource()
                .addValue("ids", array("uuid", ids), Types.ARRAY)
                .addValue("keys", array("text", keys), Types.ARRAY)
                .addValue("namespaces", array("text", namespaces), Types.ARRAY)
                .addValue("principals", array("text", principals), Types.ARRAY)
                .addValue("names", array("text", names), Types.ARRAY)
                .addValue("specs", array("bytea", specs), Types.ARRAY)
                .addValue("providers", array("text", providers), Types.ARRAY)
                .addValue("priorities", array("int4", priorities), Types.ARRAY)
                .addValue("labels", array("text", labels), Types.ARRAY)
                .addValue("maxAttempts", array("int4", maxAttempts), Types.ARRAY)
                .addValue("timeouts", array("int8", timeouts), Types.ARRAY)
                .addValue("queueTimeouts", array("int8", queueTimeouts), Types.ARRAY)
                .addValue("images", array("text", images), Types.ARRAY)
                .addValue("cpu", array("float8", cpu), Types.ARRAY)
                .addValue("memory", array("int8", memory), Types.ARRAY)
                .addValue("concurrencyKeys", array("text", concurrencyKeys), Types.ARRAY)
                .addValue("concurrencyLimits", array("int4", concurrencyLimits), Types.ARRAY);
        Map<UUID, JobRecord> inserted = new HashMap<>();
        List<JobRecord> rows = jdbc.query("""
                WITH batch AS (
                    SELECT * FROM unnest(:ids, :keys, :namespaces, :principals, :names, :specs, :providers,
                                         :priorities, :labels, :maxAttempts, :timeouts, :queueTimeouts, :images,
                                         :cpu, :memory, :concurrencyKeys, :concurrencyLimits) WITH ORDINALITY
                        AS b(id, idempotency_key, namespace, principal, name, spec, provider, priority, labels,
                             max_attempts, run_timeout_s, queue_timeout, image, cpu, memory, concurrency_key,
                             concurrency_limit, n)),
                ins AS (
                    INSERT INTO jobs (id, idempotency_key, namespace, submitted_by, name, spec, state, provider,
                                      priority, labels, max_attempts, run_timeout_s, queue_deadline,
                                      cpu_request, memory_mb_request, concurrency_key, concurrency_limit, image)
                    SELECT id, idempotency_key, namespace, principal, name, spec, 'PENDING', provider,
                           priority, CAST(labels AS jsonb), max_attempts, run_timeout_s,
                           CASE WHEN queue_timeout > 0 THEN now() + make_interval(secs => queue_timeout) END,
                           cpu, memory, concurrency_key, concurrency_limit, image
                    -- keys in one order for every batch: two batches taking the same keys wait, never deadlock;
                    -- a key repeated within a batch goes to its first use
                    FROM batch ORDER BY namespace, idempotency_key, n
                    ON CONFLICT (namespace, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                    RETURNING *),
                ev AS (
                    INSERT INTO job_events (job_id, from_state, to_state, attempt, reason, principal)
                    SELECT id, NULL, 'PENDING', 0, 'submitted', submitted_by FROM ins)
                SELECT * FROM ins""", p, JobRecord::map);
        rows.forEach(job -> inserted.put(job.id(), job));
        List<Submitted> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            JobRecord job = inserted.get(ids[i]);
            if (job != null) {
                publisher.publishEvent(new JobTransitioned(job, null));
                out.add(new Submitted(job, true));
                continue;
            }
            try {
                out.add(holding(namespaces[i], keys[i], batch.get(i).spec(), null));
            } catch (io.grpc.StatusRuntimeException e) {
                throw new Refused(i, e);
            }
        }
        return out;
    }

    /** A PostgreSQL array of {@code type} made on the statement's own connection. */
    private static SqlTypeValue array(String type, Object[] values) {
        return new AbstractSqlTypeValue() {
            @Override
            protected Object createTypeValue(Connection con, int sqlType, String typeName) throws SQLException {
                return con.createArrayOf(type, values);
            }
        };
    }

    /** A retry must not silently get another client's job: a key reused for something else is refused. */
    public static io.grpc.StatusRuntimeException keyTaken(JobRecord existing) {
        return io.grpc.Status.ALREADY_EXISTS.withDescription("idempotency_key: already used in namespace "
                + existing.namespace() + " by job " + existing.id() + " with a different request").asRuntimeException();
    }

    public Optional<JobRecord> findByIdempotencyKey(String namespace, String key) {
        return jdbc.query("SELECT * FROM jobs WHERE namespace = :ns AND idempotency_key = :key",
                Map.of("ns", namespace, "key", key), JobRecord::map).stream().findFirst();
    }

    public Optional<JobRecord> find(UUID id) {
        return jdbc.query("SELECT * FROM jobs WHERE id = :id", Map.of("id", id), JobRecord::map)
                .stream().findFirst();
    }

    /** Serialises admission across control planes until the transaction ends: capacity is read, then claimed. */
    public void lockAdmission() {
        jdbc.queryForList("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext('hodei:admission'))) l", Map.of(),
                Integer.class);
    }

    private static final String QUEUE_HEADS = """
                WITH RECURSIVE p AS (
                    (SELECT provider FROM jobs WHERE state = 'PENDING' ORDER BY provider LIMIT 1)
                    UNION ALL
                    SELECT (SELECT provider FROM jobs WHERE state = 'PENDING' AND provider > p.provider
                            ORDER BY provider LIMIT 1)
                    FROM p WHERE p.provider IS NOT NULL)
                SELECT c.* FROM p CROSS JOIN LATERAL (
                    SELECT id, provider, cpu_request, memory_mb_request, concurrency_key, concurrency_limit, priority,
                           image, namespace, created_at FROM jobs
                    WHERE state = 'PENDING' AND provider = p.provider AND not_before <= now()
                    ORDER BY priority DESC, created_at
                    LIMIT :per) c
                WHERE p.provider IS NOT NULL
                ORDER BY c.priority DESC, c.created_at""";

    /** Whether any PENDING job is due (its backoff, if any, over). */
    public boolean anyDue() {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM jobs WHERE state = 'PENDING' AND not_before <= now())", Map.of(), Boolean.class));
    }

    /** The plan PostgreSQL runs {@link #queueHeads} with, as EXPLAIN (ANALYZE, BUFFERS) prints it: for the benchmarks. */
    public List<String> queueHeadsPlan(int perProvider) {
        return jdbc.queryForList("EXPLAIN (ANALYZE, BUFFERS) " + QUEUE_HEADS, Map.of("per", perProvider), String.class);
    }

    /**
     * The first {@code perProvider} due PENDING jobs of each provider's queue (priority, then
     * age), all providers together in that order. Providers are found by a skip scan of the
     * queue's index, so this reads about providers × perProvider rows however long the queue.
     */
    public List<Admission.Request> queueHeads(int perProvider) {
        return jdbc.query(QUEUE_HEADS, Map.of("per", perProvider),
                (rs, i) -> new Admission.Request(rs.getObject("id", UUID.class), rs.getString("provider"),
                        rs.getDouble("cpu_request"), rs.getLong("memory_mb_request"), rs.getString("concurrency_key"),
                        rs.getInt("concurrency_limit"), rs.getString("image"), rs.getString("namespace")));
    }

    /**
     * What the admitted (claimed, provisioning, running) jobs of each provider hold, and the live
     * workers whose job has ended but who are not yet terminated: a reusable worker between its
     * result and its return to the pool still holds its share (else a claim in that gap saw free
     * capacity, found no idle worker and started one more). A claimed or provisioning job counts
     * as starting until its agent takes it.
     */
    public Map<String, Admission.Use> inUse() {
        Map<String, Admission.Use> use = new HashMap<>();
        jdbc.query("""
                SELECT provider, sum(cpu) AS cpu, sum(memory) AS memory, count(*) AS n, sum(starting) AS starting FROM (
                    SELECT provider, cpu_request AS cpu, memory_mb_request AS memory,
                           CASE WHEN state = 'RUNNING' THEN 0 ELSE 1 END AS starting FROM jobs
                    WHERE state IN ('ASSIGNED', 'PROVISIONING', 'RUNNING')
                    UNION ALL
                    SELECT w.provider, COALESCE(w.cpu, j.cpu_request), COALESCE(w.memory_mb, j.memory_mb_request), 0
                    FROM workers w JOIN jobs j ON j.id = w.job_id
                    WHERE w.destroyed_at IS NULL AND w.state <> 'TERMINATED'
                      AND j.state NOT IN ('ASSIGNED', 'PROVISIONING', 'RUNNING')) held
                GROUP BY provider""",
                rs -> {
                    use.put(rs.getString("provider"),
                            new Admission.Use(rs.getDouble("cpu"), rs.getLong("memory"), rs.getInt("n"),
                                    rs.getInt("starting")));
                });
        return use;
    }

    /** Admitted jobs per concurrency key. */
    public Map<String, Integer> keysInUse() {
        Map<String, Integer> keys = new HashMap<>();
        jdbc.query("""
                SELECT concurrency_key, count(*) AS n FROM jobs
                WHERE state IN ('ASSIGNED', 'PROVISIONING', 'RUNNING') AND concurrency_key IS NOT NULL
                GROUP BY concurrency_key""", rs -> {
                    keys.put(rs.getString("concurrency_key"), rs.getInt("n"));
                });
        return keys;
    }

    /** The namespace's other unfinished jobs naming {@code key}, oldest first. */
    public List<UUID> unfinishedWithKey(String namespace, String key, UUID except) {
        return jdbc.queryForList("""
                SELECT id FROM jobs
                WHERE namespace = :ns AND concurrency_key = :key AND id <> :except
                  AND state IN ('PENDING', 'ASSIGNED', 'PROVISIONING', 'RUNNING')
                ORDER BY created_at""", Map.of("ns", namespace, "key", key, "except", except), UUID.class);
    }

    /** Where a PENDING job stands: when it may be claimed, and how many due jobs of its provider come first. */
    public record Standing(Instant notBefore, int ahead) {}

    public Optional<Standing> standing(UUID jobId) {
        return jdbc.query("""
                SELECT j.not_before,
                       (SELECT count(*) FROM jobs o
                        WHERE o.state = 'PENDING' AND o.provider = j.provider AND o.not_before <= now()
                          AND (o.priority > j.priority OR (o.priority = j.priority AND o.created_at < j.created_at))) AS ahead
                FROM jobs j WHERE j.id = :id AND j.state = 'PENDING'""", Map.of("id", jobId),
                (rs, i) -> new Standing(rs.getTimestamp("not_before").toInstant(), rs.getInt("ahead"))).stream().findFirst();
    }

    /** Due PENDING jobs by provider. */
    public Map<String, Integer> waitingByProvider() {
        Map<String, Integer> waiting = new HashMap<>();
        jdbc.query("SELECT provider, count(*) AS n FROM jobs WHERE state = 'PENDING' AND not_before <= now() GROUP BY provider",
                rs -> {
                    waiting.put(rs.getString("provider"), rs.getInt("n"));
                });
        return waiting;
    }

    /** Due PENDING jobs whose queue deadline passed by {@code now}. */
    public List<UUID> pastQueueDeadline(Instant now) {
        return jdbc.queryForList("SELECT id FROM jobs WHERE state = 'PENDING' AND queue_deadline < :now",
                Map.of("now", java.sql.Timestamp.from(now)), UUID.class);
    }

    /** Jobs ASSIGNED (claimed) and not moved on since {@code before}. */
    public List<JobRecord> claimedBefore(Instant before) {
        return jdbc.query("SELECT * FROM jobs WHERE state = 'ASSIGNED' AND updated_at < :before",
                Map.of("before", java.sql.Timestamp.from(before)), JobRecord::map);
    }

    /** An integrator's provider policy sent the job elsewhere. */
    public void reassignProvider(UUID jobId, String provider) {
        jdbc.update("UPDATE jobs SET provider = :p WHERE id = :id", Map.of("p", provider, "id", jobId));
    }

    /** The first request's principal is kept: that is who cancelled it. A finished job is left as it is. */
    public void markCancelRequested(UUID jobId, String principal) {
        jdbc.update("""
                UPDATE jobs SET cancel_requested = true, updated_at = now(),
                       cancelled_by = CASE WHEN cancel_requested THEN cancelled_by ELSE :by END
                WHERE id = :id AND state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT')""",
                new MapSqlParameterSource().addValue("id", jobId)
                .addValue("by", principal, java.sql.Types.VARCHAR));
    }

    /** A filter and keyset position for {@link #list}; {@code namespaces}: null = all. */
    public record ListQuery(Collection<JobState> states, Map<String, String> labels, int limit,
                            Instant afterCreatedAt, UUID afterId, Collection<String> namespaces, String template,
                            String text) {
        public ListQuery(Collection<JobState> states, Map<String, String> labels, int limit, Instant afterCreatedAt,
                         UUID afterId) {
            this(states, labels, limit, afterCreatedAt, afterId, null, "", "");
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
        if (!q.template().isEmpty()) {
            sql.append(" AND template_name = :template");
            p.addValue("template", q.template());
        }
        if (!q.text().isEmpty()) {
            sql.append(" AND (name ILIKE :contains ESCAPE '\\' OR id::text LIKE :prefix ESCAPE '\\')");
            String literal = q.text().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
            p.addValue("contains", "%" + literal + "%").addValue("prefix", literal.toLowerCase(java.util.Locale.ROOT) + "%");
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

    private String toJson(Map<String, String> map) {
        try {
            return json.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
