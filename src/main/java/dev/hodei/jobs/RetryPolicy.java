package dev.hodei.jobs;

import dev.hodei.server.HodeiProperties;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * What becomes of a job whose attempt failed: another attempt after an exponential backoff while
 * attempts remain, CANCELLED when a cancel was asked meanwhile, else FAILED. The job's own
 * backoff settings win over the server's.
 */
@Component
public class RetryPolicy {

    public enum Verdict { RETRY, FAIL, CANCEL, STALE }

    /** {@code delay} only for RETRY; {@code maxAttempts} for the event's text. */
    public record Decision(Verdict verdict, Duration delay, int maxAttempts) {}

    private final Duration backoff;
    private final Duration backoffCap;
    private final JobStore jobs;

    @Autowired
    public RetryPolicy(HodeiProperties props, JobStore jobs) {
        this(props.jobs().retryBackoff(), props.jobs().retryBackoffCap(), jobs);
    }

    RetryPolicy(Duration backoff, Duration backoffCap, JobStore jobs) {
        this.backoff = backoff;
        this.backoffCap = backoffCap;
        this.jobs = jobs;
    }

    /** Route {@code retry-or-fail}: the decision for the job as stored now; STALE when that attempt is over. */
    public Decision decide(AttemptFailure failure) {
        return jobs.find(failure.jobId())
                .filter(j -> j.attempt() == failure.attempt() && JobState.STARTED_OR_RUNNING.contains(j.state()))
                .map(this::decide)
                .orElse(new Decision(Verdict.STALE, Duration.ZERO, 0));
    }

    public Decision decide(JobRecord job) {
        if (job.cancelRequested()) return new Decision(Verdict.CANCEL, Duration.ZERO, job.maxAttempts());
        if (job.attempt() >= job.maxAttempts()) return new Decision(Verdict.FAIL, Duration.ZERO, job.maxAttempts());
        long base = job.spec().getRetryBackoffMs() > 0 ? job.spec().getRetryBackoffMs() : backoff.toMillis();
        long cap = job.spec().getRetryBackoffMaxMs() > 0 ? job.spec().getRetryBackoffMaxMs() : backoffCap.toMillis();
        return new Decision(Verdict.RETRY, Duration.ofMillis(backoffMs(base, cap, job.attempt())), job.maxAttempts());
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
}
