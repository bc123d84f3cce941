package dev.hodei.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * What tests read or change in the database where no API or store method does it: setting up a
 * state no client can reach (a job held back, a token expired) or looking at what no API shows
 * (bootstrap tokens, audit of registrations, counts). Each method says what, so tests read as intent.
 */
public final class Rows {

    private final JdbcTemplate jdbc;

    public Rows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Every job stored, whatever its namespace or state. */
    public long jobCount() {
        return jdbc.queryForObject("SELECT count(*) FROM jobs", Long.class);
    }

    public long jobsWithIdempotencyKey(String key) {
        return jdbc.queryForObject("SELECT count(*) FROM jobs WHERE idempotency_key = ?", Long.class, key);
    }

    /** Keeps a pending job from being claimed for {@code delay} (its not_before), as a retry backoff does. */
    public void holdBack(UUID jobId, Duration delay) {
        jdbc.update("UPDATE jobs SET not_before = now() + make_interval(secs => ?) WHERE id = ?",
                delay.toMillis() / 1000.0, jobId);
    }

    /** Why each worker made for these jobs was destroyed (null while not destroyed), one per worker. */
    public List<String> destroyReasonsOfJobs(List<UUID> jobIds) {
        return new NamedParameterJdbcTemplate(jdbc).queryForList(
                "SELECT destroy_reason FROM workers WHERE job_id IN (:jobs)", Map.of("jobs", jobIds), String.class);
    }

    /** The READY warm workers of a pool that no job has taken, longest waiting first. */
    public List<UUID> readyWarmWorkers(String pool) {
        return jdbc.queryForList("""
                SELECT id FROM workers WHERE pool = ? AND job_id IS NULL AND state = 'READY' AND destroyed_at IS NULL
                ORDER BY registered_at""", UUID.class, pool);
    }

    /** Live workers of a pool running a job, or between its end and their return to the pool. */
    public int busyWorkers(String pool) {
        return jdbc.queryForObject("SELECT count(*) FROM workers WHERE pool = ? AND state = 'BUSY' AND destroyed_at IS NULL",
                Integer.class, pool);
    }

    /** A worker as stored: the pool that made it (null: made for its job), when, and why it was destroyed (null: live). */
    public record Worker(String pool, Instant createdAt, String destroyReason) {}

    public Worker worker(UUID workerId) {
        return jdbc.queryForObject("SELECT pool, created_at, destroy_reason FROM workers WHERE id = ?",
                (rs, i) -> new Worker(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3)), workerId);
    }

    /** How many jobs a worker was given. */
    public int jobsTaken(UUID workerId) {
        return jdbc.queryForObject("SELECT jobs_taken FROM workers WHERE id = ?", Integer.class, workerId);
    }

    /** Workers of a pool destroyed for {@code reason}. */
    public long warmWorkersDestroyed(String pool, String reason) {
        return jdbc.queryForObject("SELECT count(*) FROM workers WHERE pool = ? AND destroy_reason = ?", Long.class,
                pool, reason);
    }

    /** A worker's bootstrap token as stored: its hash, the resource it was issued for, when it was used. */
    public record BootstrapToken(String hash, String resourceId, Instant consumedAt) {}

    /** The tokens issued for a worker, oldest first. */
    public List<BootstrapToken> tokensOfWorker(UUID workerId) {
        return jdbc.query("""
                SELECT token_hash, provider_resource_id, consumed_at FROM worker_bootstrap_tokens
                WHERE worker_id = ? ORDER BY created_at, token_hash""", (rs, i) -> new BootstrapToken(
                rs.getString(1), rs.getString(2), rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant()),
                workerId);
    }

    /** The one token issued for a job's worker. */
    public BootstrapToken tokenOfJob(UUID jobId) {
        return jdbc.queryForObject("""
                SELECT token_hash, provider_resource_id, consumed_at FROM worker_bootstrap_tokens
                WHERE job_id = ?""", (rs, i) -> new BootstrapToken(rs.getString(1), rs.getString(2),
                rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant()), jobId);
    }

    /** Makes a token past its expiry, as if it had been issued long ago. */
    public void expireToken(String tokenHash) {
        jdbc.update("UPDATE worker_bootstrap_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = ?",
                tokenHash);
    }

    /** The details of the latest registration audit events, newest first. */
    public List<String> latestAuthEvents(int n) {
        return jdbc.queryForList("SELECT detail FROM auth_events ORDER BY id DESC LIMIT ?", String.class, n);
    }

    /** The detail of the latest registration audit event about a worker. */
    public String latestAuthEventOf(UUID workerId) {
        return jdbc.queryForObject("SELECT detail FROM auth_events WHERE worker_id = ? ORDER BY id DESC LIMIT 1",
                String.class, workerId);
    }
}
