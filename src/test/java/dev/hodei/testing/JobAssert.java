package dev.hodei.testing;

import hodei.v1.Job;
import hodei.v1.JobState;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link Job} as the API returns it, whose failures say what the job did:
 * {@code assertThatJob(done).hasState(JOB_STATE_FAILED).hasExitCode(3).failedBecause("exit code 3")}.
 */
public final class JobAssert extends AbstractAssert<JobAssert, Job> {

    private JobAssert(Job actual) {
        super(actual, JobAssert.class);
    }

    public static JobAssert assertThatJob(Job actual) {
        return new JobAssert(actual);
    }

    public JobAssert hasState(JobState expected) {
        isNotNull();
        if (actual.getState() != expected) {
            failWithMessage("expected job %s to be %s but it is %s (attempt %d, exit code %s, failure reason '%s')",
                    actual.getId(), expected, actual.getState(), actual.getAttempt(),
                    actual.hasExitCode() ? actual.getExitCode() : "none", actual.getFailureReason());
        }
        return this;
    }

    /** The exit code of the last attempt's process; fails if there was none (cancelled before, timed out). */
    public JobAssert hasExitCode(int expected) {
        isNotNull();
        if (!actual.hasExitCode()) {
            failWithMessage("expected job %s to have exit code %d but it has none (%s, failure reason '%s')",
                    actual.getId(), expected, actual.getState(), actual.getFailureReason());
        } else if (actual.getExitCode() != expected) {
            failWithMessage("expected job %s to have exit code %d but it has %d", actual.getId(), expected,
                    actual.getExitCode());
        }
        return this;
    }

    /** The attempt the job is on or ended on (0 = never started). */
    public JobAssert hasAttempt(int expected) {
        isNotNull();
        if (actual.getAttempt() != expected) {
            failWithMessage("expected job %s to be on attempt %d but it is on %d (%s, failure reason '%s')",
                    actual.getId(), expected, actual.getAttempt(), actual.getState(), actual.getFailureReason());
        }
        return this;
    }

    /** The whole failure reason (set for FAILED, TIMED_OUT and CANCELLED). */
    public JobAssert failedBecause(String reason) {
        isNotNull();
        if (!actual.getFailureReason().equals(reason)) {
            failWithMessage("expected job %s to have failed because '%s' but the reason is '%s' (%s)",
                    actual.getId(), reason, actual.getFailureReason(), actual.getState());
        }
        return this;
    }

    /** The failure reason starts with this code (TIMED_OUT, QUEUE_TIMEOUT, WORKER_LOST, START_TIMEOUT…). */
    public JobAssert failedWith(String code) {
        isNotNull();
        if (!actual.getFailureReason().startsWith(code)) {
            failWithMessage("expected job %s to have failed with %s but the reason is '%s' (%s)",
                    actual.getId(), code, actual.getFailureReason(), actual.getState());
        }
        return this;
    }

    public JobAssert ranOn(String provider) {
        isNotNull();
        if (!actual.getProvider().equals(provider)) {
            failWithMessage("expected job %s to have run on %s but it ran on %s", actual.getId(), provider,
                    actual.getProvider());
        }
        return this;
    }
}
