package dev.hodei.jobs;

import java.time.Duration;
import dev.hodei.server.HodeiProperties;
import dev.hodei.agentapi.WorkerGateway;
import dev.hodei.workers.WorkerStore;
import hodei.v1.Ack;
import hodei.v1.JobResult;
import hodei.v1.ServerMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Route {@code job-completed}: records an agent's result. The exit code decides: 0 is SUCCEEDED,
 * anything else FAILED. Keyed by job and attempt, so a result delivered twice is recorded once.
 */
@Component
public class JobCompletion {

    private static final Logger log = LoggerFactory.getLogger(JobCompletion.class);

    private final JobStore jobs;
    private final WorkerStore workers;
    private final WorkerGateway gateway;
    private final Duration retryBackoff;
    private final Duration retryBackoffCap;

    public JobCompletion(JobStore jobs, WorkerStore workers, WorkerGateway gateway,
                         HodeiProperties props) {
        this.jobs = jobs;
        this.workers = workers;
        this.gateway = gateway;
        this.retryBackoff = props.jobs().retryBackoff();
        this.retryBackoffCap = props.jobs().retryBackoffCap();
    }

    /** Records the result; returns the state the job ended in (or already had). */
    public JobState record(UUID workerId, JobResult result) {
        UUID jobId = UUID.fromString(result.getJobId());
        JobRecord job = jobs.find(jobId).orElseThrow(() -> new IllegalArgumentException("no job " + jobId));
        if (!workerId.equals(job.workerId())) {
            log.warn("Worker {} reported a result for job {} which it does not run; ignored", workerId, jobId);
            return job.state();
        }
        JobState outcome = outcome(result);
        String reason = reason(result, outcome);
        Map<String, Object> p = new HashMap<>();
        p.put("exit", result.getExitCode());
        p.put("signal", result.getSignal());
        p.put("why", outcome == JobState.SUCCEEDED ? null : reason);
        if (outcome == JobState.FAILED && result.getError().isEmpty()
                && job.spec().getRetryOnExitCodesList().contains(result.getExitCode()) && job.attempt() < job.maxAttempts()) {
            // a failure the job declared retryable: another attempt, after its backoff
            jobs.failAttempt(jobId, result.getAttempt(), Set.of(JobState.RUNNING), reason, retryBackoff, retryBackoffCap);
        } else {
            jobs.transition(jobId, Set.of(JobState.RUNNING), outcome, reason, result.getAttempt(),
                    "exit_code = :exit, signal = :signal, failure_reason = :why, finished_at = now()", p);
        }
        workers.markTerminated(workerId, null);
        return jobs.find(jobId).map(JobRecord::state).orElse(outcome);
    }

    /** Tells the agent its result is safely stored, so it may exit. */
    public void acknowledge(UUID workerId, JobResult result) {
        gateway.send(workerId, ServerMessage.newBuilder().setResultAck(Ack.newBuilder()
                .setJobId(result.getJobId()).setAttempt(result.getAttempt())).build());
    }

    static JobState outcome(JobResult r) {
        if (r.getCancelled()) return JobState.CANCELLED;
        if (r.getTimedOut()) return JobState.TIMED_OUT;
        if (!r.getError().isEmpty()) return JobState.FAILED;
        return r.getExitCode() == 0 ? JobState.SUCCEEDED : JobState.FAILED;
    }

    static String reason(JobResult r, JobState outcome) {
        return switch (outcome) {
            case CANCELLED -> "cancelled";
            case TIMED_OUT -> "TIMED_OUT: run deadline passed";
            case FAILED -> !r.getError().isEmpty() ? "could not start the command: " + r.getError()
                    : r.getSignal() != 0 ? "killed by signal " + r.getSignal() + " (exit code " + r.getExitCode() + ")"
                    : "exit code " + r.getExitCode();
            default -> "exit code 0";
        };
    }
}
