package dev.hodei.jobs;

import java.util.UUID;

/**
 * Published (as a Spring application event) after each state change of a job, submission
 * included ({@code from} null), with the job as the change left it. Metrics, followers and
 * integrators' events listen to it, so the statement that changes the state knows none of them.
 */
public record JobTransitioned(JobRecord job, JobState from) {

    public UUID jobId() {
        return job.id();
    }

    public JobState to() {
        return job.state();
    }
}
