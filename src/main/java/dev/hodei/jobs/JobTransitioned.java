package dev.hodei.jobs;

import java.util.UUID;

/**
 * Published (as a Spring application event) after each state change of a job, submission
 * included ({@code from} null). Metrics, followers and integrators' events listen to it, so the
 * statement that changes the state knows none of them.
 */
public record JobTransitioned(UUID jobId, JobState from, JobState to, int attempt) {}
