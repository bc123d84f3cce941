package dev.hodei.jobs;

import static dev.hodei.jobs.JobState.ASSIGNED;
import static dev.hodei.jobs.JobState.CANCELLED;
import static dev.hodei.jobs.JobState.FAILED;
import static dev.hodei.jobs.JobState.PENDING;
import static dev.hodei.jobs.JobState.PROVISIONING;
import static dev.hodei.jobs.JobState.RUNNING;

import java.sql.Types;
import java.util.EnumSet;
import java.util.List;
import dev.hodei.cluster.Replicas;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Every change of a job's state, one intent per method. Each is one guarded statement ({@code
 * WHERE state IN (from)}, and the attempt when it matters) that also appends the job's event, so
 * two routes, or two control planes, can never both move the same job; each edge is checked
 * against {@link JobStateMachine} when this class loads. Returns tell the route whether the move
 * happened.
 */
@Component
public class JobTransitions {

    /** A set of edges into one state. */
    private record Edge(Set<JobState> from, JobState to) {
        Edge {
            JobStateMachine.check(from, to);
        }
    }

    private static final Edge CLAIM = new Edge(EnumSet.of(PENDING), ASSIGNED);
    // checked against the state machine like every edge; the SQL of releaseClaimsOf is this move
    private static final Edge RELEASE_CLAIM = new Edge(EnumSet.of(ASSIGNED), PENDING);
    private static final Edge START_PROVISIONING = new Edge(EnumSet.of(ASSIGNED), PROVISIONING);
    private static final Edge START = new Edge(EnumSet.of(PROVISIONING), RUNNING);
    private static final Edge RETRY = new Edge(JobState.STARTED_OR_RUNNING, PENDING);
    private static final Edge FAIL = new Edge(JobState.STARTED_OR_RUNNING, FAILED);
    private static final Edge CANCEL_ATTEMPT = new Edge(JobState.STARTED_OR_RUNNING, CANCELLED);
    private static final Edge CANCEL_BEFORE_RUNNING = new Edge(EnumSet.of(PENDING, ASSIGNED, PROVISIONING), CANCELLED);
    private static final Edge EXPIRE = new Edge(EnumSet.of(PENDING), FAILED);
    private static final Map<JobState, Edge> FINISH = Map.of(
            JobState.SUCCEEDED, new Edge(EnumSet.of(RUNNING), JobState.SUCCEEDED),
            FAILED, new Edge(EnumSet.of(RUNNING), FAILED),
            CANCELLED, new Edge(EnumSet.of(RUNNING), CANCELLED),
            JobState.TIMED_OUT, new Edge(EnumSet.of(RUNNING), JobState.TIMED_OUT));

    private static final String ENDED = "failure_reason = :why, finished_at = now()";

    private final NamedParameterJdbcTemplate jdbc;
    private final ApplicationEventPublisher publisher;

    private final Replicas replicas;

    public JobTransitions(NamedParameterJdbcTemplate jdbc, ApplicationEventPublisher publisher, Replicas replicas) {
        this.jdbc = jdbc;
        this.publisher = publisher;
        this.replicas = replicas;
    }

    /**
     * PENDING → ASSIGNED for the admitted jobs ({@code ids}) that still wait, each starting a new
     * attempt, in priority then age order. Guarded like every move: a job claimed meanwhile (or
     * cancelled) is left out.
     */
    public List<JobRecord> claim(List<UUID> ids) {
        if (ids.isEmpty()) return List.of();
        List<JobRecord> claimed = jdbc.query("""
                WITH claimed AS (
                    UPDATE jobs SET state = 'ASSIGNED', attempt = attempt + 1, agent_chunks = 0, updated_at = now(),
                        claimed_by = :replica
                    WHERE id IN (SELECT id FROM jobs WHERE id IN (:ids) AND state = 'PENDING' FOR UPDATE SKIP LOCKED)
                    RETURNING *),
                ev AS (
                    INSERT INTO job_events (job_id, from_state, to_state, attempt, reason)
                    SELECT id, 'PENDING', 'ASSIGNED', attempt, 'claimed' FROM claimed)
                SELECT * FROM claimed ORDER BY priority DESC, created_at""",
                Map.of("ids", ids, "replica", replicas.id()), JobRecord::map);
        claimed.forEach(j -> publisher.publishEvent(new JobTransitioned(j, PENDING)));
        return claimed;
    }

    /**
     * ASSIGNED → PENDING for the jobs a dead replica claimed and never handed to a provider: the
     * attempt never began, so it is not counted ({@code RELEASE_CLAIM}); the job is claimed again
     * at once, elsewhere.
     */
    public List<JobRecord> releaseClaimsOf(UUID deadReplica, String replicaName) {
        return release("claimed_by = :replica", Map.of("replica", deadReplica, "why", "claim released: replica "
                + replicaName + " died before starting a worker"));
    }

    /**
     * The same for the claims of replicas that stopped cleanly: a claim taken in the last moments
     * of a stop may never reach its provider, and would otherwise wait for the start deadline and
     * cost an attempt. Safe while the stopping replica still provisions: provisioning is guarded
     * by {@code claimed_by}.
     */
    public List<JobRecord> releaseClaimsOfStoppedReplicas() {
        return release("claimed_by IN (SELECT id FROM replicas WHERE stopped_at IS NOT NULL AND id <> :me)",
                Map.of("me", replicas.id(), "why", "claim released: its replica stopped before starting a worker"));
    }

    private List<JobRecord> release(String whose, Map<String, ?> params) {
        List<JobRecord> released = jdbc.query("""
                WITH released AS (
                    UPDATE jobs SET state = 'PENDING', attempt = attempt - 1, claimed_by = NULL, updated_at = now()
                    WHERE id IN (SELECT id FROM jobs WHERE state = 'ASSIGNED' AND %s FOR UPDATE SKIP LOCKED)
                    RETURNING *),
                ev AS (
                    INSERT INTO job_events (job_id, from_state, to_state, attempt, reason)
                    SELECT id, 'ASSIGNED', 'PENDING', attempt + 1, :why FROM released)
                SELECT * FROM released""".formatted(whose), params, JobRecord::map);
        released.forEach(j -> publisher.publishEvent(new JobTransitioned(j, ASSIGNED)));
        return released;
    }

    /** ASSIGNED → PROVISIONING: a worker is being made for this attempt. */
    public boolean startProvisioning(JobRecord job, UUID workerId, String provider) {
        return move(START_PROVISIONING, job.id(), job.attempt(), "provisioning worker " + workerId + " on " + provider,
                null, Map.of());
    }

    /**
     * ASSIGNED → PROVISIONING without a provider call: a warm worker of {@code pool} was bound to the
     * attempt. While the job runs on it, the job holds at least the worker's whole share ({@code
     * cpu}, {@code memoryMb}), not only what it asked.
     */
    public boolean takeWarmWorker(JobRecord job, UUID workerId, String pool, double cpu, long memoryMb) {
        return move(START_PROVISIONING, job.id(), job.attempt(), "warm worker " + workerId + " of pool " + pool,
                "cpu_request = greatest(cpu_request, :cpu), memory_mb_request = greatest(memory_mb_request, :memory)",
                Map.of("cpu", cpu, "memory", memoryMb));
    }

    /**
     * PENDING → ASSIGNED → PROVISIONING (the edges {@code CLAIM} and {@code START_PROVISIONING}) in
     * one statement, for a reusable worker that has just
     * reported {@code ended} (attempt {@code endedAttempt}) and still holds it: the first due job of
     * its provider's queue (priority, then age) is bound to it as a warm worker's next job, when that
     * job fits it (image, cpu, memory, namespace) and names no concurrency key. Anything else — a
     * head that does not fit, a key to count, no job — hands nothing over: the worker goes back to its
     * pool and the claimer decides, so the queue keeps its strict order. No admission lock: the
     * worker's share is held already and stays held, so no free capacity is spent. The queue's
     * first job is read without a lock and must fit; then the first job not being taken at that
     * moment by someone else (another worker of the pool reporting at once: {@code SKIP LOCKED}) is
     * locked and taken if it fits too. So a head this worker may not run is passed by no hand-over.
     */
    public Optional<JobRecord> handOver(UUID workerId, UUID ended, int endedAttempt) {
        MapSqlParameterSource p = new MapSqlParameterSource().addValue("worker", workerId).addValue("ended", ended)
                .addValue("endedAttempt", endedAttempt).addValue("replica", replicas.id());
        List<JobRecord> taken = jdbc.query("""
                WITH w AS (
                    SELECT id, pool, provider, image, cpu, memory_mb, namespace FROM workers
                    WHERE id = :worker AND job_id = :ended AND job_attempt = :endedAttempt AND state = 'BUSY'
                      AND mode = 'reusable' AND destroyed_at IS NULL
                    FOR UPDATE),
                first AS (
                    SELECT j.* FROM jobs j
                    WHERE j.state = 'PENDING' AND j.provider = (SELECT provider FROM w) AND j.not_before <= now()
                    ORDER BY j.priority DESC, j.created_at LIMIT 1),
                head AS (
                    SELECT j.id FROM jobs j
                    WHERE j.state = 'PENDING' AND j.provider = (SELECT provider FROM w) AND j.not_before <= now()
                      AND EXISTS (SELECT 1 FROM first f, w WHERE %1$s)
                    ORDER BY j.priority DESC, j.created_at LIMIT 1
                    FOR UPDATE SKIP LOCKED),
                taken AS (
                    UPDATE jobs j SET state = 'PROVISIONING', attempt = j.attempt + 1, agent_chunks = 0, updated_at = now(),
                        claimed_by = :replica, cpu_request = greatest(j.cpu_request, w.cpu),
                        memory_mb_request = greatest(j.memory_mb_request, w.memory_mb)
                    FROM head, w
                    WHERE j.id = head.id AND %2$s
                    RETURNING j.*, w.pool AS pool),
                bound AS (
                    UPDATE workers SET job_id = taken.id, job_attempt = taken.attempt, taken_at = now(),
                        jobs_taken = jobs_taken + 1
                    FROM taken WHERE workers.id = :worker),
                ev AS (
                    INSERT INTO job_events (job_id, from_state, to_state, attempt, reason)
                    SELECT id, 'PENDING', 'ASSIGNED', attempt, 'claimed' FROM taken
                    UNION ALL
                    SELECT id, 'ASSIGNED', 'PROVISIONING', attempt,
                           'warm worker ' || :worker || ' of pool ' || pool || ', handed over at its last job''s end'
                    FROM taken)
                SELECT * FROM taken""".formatted(fits("f"), fits("j")), p, JobRecord::map);
        taken.forEach(j -> {
            publisher.publishEvent(new JobTransitioned(j.inState(ASSIGNED), PENDING));
            publisher.publishEvent(new JobTransitioned(j, ASSIGNED));
        });
        return taken.stream().findFirst();
    }

    /** Whether job {@code j} may run on worker {@code w}, as a warm worker's job ({@code Admission.WarmSlot}). */
    private static String fits(String j) {
        return ("%1$s.concurrency_key IS NULL AND %1$s.image = w.image AND %1$s.cpu_request <= w.cpu + 1e-9"
                + " AND %1$s.memory_mb_request <= w.memory_mb AND (w.namespace IS NULL OR w.namespace = %1$s.namespace)")
                .formatted(j);
    }

    /** PROVISIONING → RUNNING: the attempt's worker took the job. */
    public boolean start(UUID jobId, int attempt, UUID workerId) {
        return move(START, jobId, attempt, "dispatched to worker " + workerId, "worker_id = :worker, started_at = now()",
                Map.of("worker", workerId));
    }

    /** RUNNING → the outcome's final state, with the attempt's exit code. */
    public boolean finish(ResultOutcome outcome) {
        MapSqlParameterSource p = new MapSqlParameterSource()
                .addValue("exit", outcome.exitCode())
                .addValue("signal", outcome.signal())
                .addValue("why", outcome.state() == JobState.SUCCEEDED ? null : outcome.reason(), Types.VARCHAR);
        return move(FINISH.get(outcome.state()), outcome.jobId(), outcome.attempt(), outcome.reason(),
                "exit_code = :exit, signal = :signal, " + ENDED, p.getValues());
    }

    /** Back to PENDING for another attempt, not before the decision's backoff. */
    public boolean retry(AttemptFailure failure, RetryPolicy.Decision decision) {
        return move(RETRY, failure.jobId(), failure.attempt(), failure.reason() + "; retrying (attempt "
                        + (failure.attempt() + 1) + " of " + decision.maxAttempts() + ")",
                "worker_id = NULL, failure_reason = :why, not_before = now() + make_interval(secs => :delay)",
                Map.of("why", failure.reason(), "delay", decision.delay().toMillis() / 1000.0));
    }

    /** The attempt failed and no other follows. */
    public boolean fail(AttemptFailure failure) {
        return move(FAIL, failure.jobId(), failure.attempt(), failure.reason(), ENDED, Map.of("why", failure.reason()));
    }

    /** The attempt failed while a cancel was asked: the job ends CANCELLED, not retried. */
    public boolean cancelAttempt(AttemptFailure failure) {
        return move(CANCEL_ATTEMPT, failure.jobId(), failure.attempt(), "cancelled (" + failure.reason() + ")", ENDED,
                Map.of("why", "cancelled"));
    }

    /** A job that is not running yet ends CANCELLED at once; false when it runs or ended. */
    public boolean cancel(UUID jobId, String why) {
        return move(CANCEL_BEFORE_RUNNING, jobId, null, why, ENDED, Map.of("why", why));
    }

    /** PENDING past its queue deadline → FAILED. */
    public boolean expire(UUID jobId) {
        String why = Failure.QUEUE_TIMEOUT.because("not started in time");
        return move(EXPIRE, jobId, null, why, ENDED, Map.of("why", why));
    }

    private boolean move(Edge edge, UUID jobId, Integer attempt, String reason, String extraSet, Map<String, ?> params) {
        MapSqlParameterSource p = new MapSqlParameterSource(params)
                .addValue("id", jobId)
                .addValue("from", edge.from().stream().map(Enum::name).toList())
                .addValue("to", edge.to().name())
                .addValue("reason", reason)
                .addValue("attempt", attempt);
        // only the replica holding the claim provisions it: one whose claim was released (it
        // stopped, or was thought dead) must not start a second worker
        boolean byClaimer = edge == START_PROVISIONING;
        if (byClaimer) p.addValue("claimer", replicas.id());
        String sql = """
                WITH prev AS (
                    SELECT id, state FROM jobs
                    WHERE id = :id AND state IN (:from) %s %s
                    FOR UPDATE),
                upd AS (
                    UPDATE jobs j SET state = :to, updated_at = now() %s
                    FROM prev WHERE j.id = prev.id
                    RETURNING j.*, prev.state AS from_state),
                ev AS (
                    INSERT INTO job_events (job_id, from_state, to_state, attempt, reason, principal)
                    SELECT id, from_state, :to, attempt, :reason, CASE WHEN :to = 'CANCELLED' THEN cancelled_by END
                    FROM upd)
                SELECT * FROM upd""".formatted(
                attempt == null ? "" : "AND attempt = :attempt",
                byClaimer ? "AND claimed_by = :claimer" : "",
                extraSet == null ? "" : ", " + extraSet);
        List<JobTransitioned> moved = jdbc.query(sql, p, (rs, i) -> new JobTransitioned(JobRecord.map(rs, i),
                JobState.valueOf(rs.getString("from_state"))));
        moved.forEach(publisher::publishEvent);
        return !moved.isEmpty();
    }
}
