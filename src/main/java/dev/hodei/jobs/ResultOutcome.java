package dev.hodei.jobs;

import dev.hodei.server.ClientText;
import hodei.v1.JobResult;
import hodei.v1.JobSpec;
import java.util.UUID;

/**
 * What an agent's result means for its job: cancelled, timed out, could not start the command,
 * exit code 0 (SUCCEEDED) or not (FAILED). A failure with an exit code the job declared
 * retryable ({@code retry_on_exit_codes}) asks for another attempt while attempts remain.
 */
public record ResultOutcome(UUID jobId, int attempt, JobState state, String reason, boolean retry, int exitCode,
                            int signal) {

    /** The agent's own words on a command it could not start, kept in the job's reason and events: bounded. */
    static final int MAX_ERROR_CHARS = 1000;

    public static ResultOutcome of(JobResult r, JobSpec spec, int maxAttempts) {
        JobState state = r.getCancelled() ? JobState.CANCELLED
                : r.getTimedOut() ? JobState.TIMED_OUT
                : !r.getError().isEmpty() ? JobState.FAILED
                : r.getExitCode() == 0 ? JobState.SUCCEEDED : JobState.FAILED;
        String reason = switch (state) {
            case CANCELLED -> "cancelled";
            case TIMED_OUT -> Failure.TIMED_OUT.because("run deadline passed");
            case FAILED -> !r.getError().isEmpty() ? "could not start the command: " + ClientText.cut(r.getError(), MAX_ERROR_CHARS)
                    : r.getSignal() != 0 ? "killed by signal " + r.getSignal() + " (exit code " + r.getExitCode() + ")"
                    : "exit code " + r.getExitCode();
            default -> "exit code 0";
        };
        boolean retry = state == JobState.FAILED && r.getError().isEmpty()
                && spec.getRetryOnExitCodesList().contains(r.getExitCode()) && r.getAttempt() < maxAttempts;
        return new ResultOutcome(UUID.fromString(r.getJobId()), r.getAttempt(), state, reason, retry, r.getExitCode(),
                r.getSignal());
    }

    /** The failed attempt, for route {@code retry-or-fail}. */
    public AttemptFailure failure() {
        return new AttemptFailure(jobId, attempt, reason);
    }
}
