package dev.hodei.jobs;

import static dev.hodei.jobs.JobState.ASSIGNED;
import static dev.hodei.jobs.JobState.CANCELLED;
import static dev.hodei.jobs.JobState.FAILED;
import static dev.hodei.jobs.JobState.PENDING;
import static dev.hodei.jobs.JobState.PROVISIONING;
import static dev.hodei.jobs.JobState.RUNNING;
import static dev.hodei.jobs.JobState.SUCCEEDED;
import static dev.hodei.jobs.JobState.TIMED_OUT;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The legal edges of a job's life, in one place. Every state change {@link JobTransitions} makes
 * is checked against this table before its statement runs; README.md, "How a job travels",
 * draws the same machine.
 */
public final class JobStateMachine {

    private static final Map<JobState, Set<JobState>> NEXT = new EnumMap<>(JobState.class);

    static {
        // claimed | cancelled before a claim | queue deadline passed
        NEXT.put(PENDING, EnumSet.of(ASSIGNED, CANCELLED, FAILED));
        // a worker is being made | never provisioned: retried, failed, cancelled
        NEXT.put(ASSIGNED, EnumSet.of(PROVISIONING, PENDING, FAILED, CANCELLED));
        // its agent took the job | the worker never came: retried, failed, cancelled
        NEXT.put(PROVISIONING, EnumSet.of(RUNNING, PENDING, FAILED, CANCELLED));
        // the agent's result | a retryable failure or a lost worker: back to the queue
        NEXT.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, PENDING));
        for (JobState s : JobState.TERMINAL) NEXT.put(s, EnumSet.noneOf(JobState.class));
    }

    private JobStateMachine() {}

    public static boolean allows(JobState from, JobState to) {
        return NEXT.get(from).contains(to);
    }

    /** The states a job may move to from {@code from}; empty for a final state. */
    public static Set<JobState> next(JobState from) {
        return Set.copyOf(NEXT.get(from));
    }

    /** @throws IllegalStateException naming the first edge of {@code from} → {@code to} that the table does not allow */
    static void check(Set<JobState> from, JobState to) {
        for (JobState f : from) {
            if (!allows(f, to)) throw new IllegalStateException("a job cannot move from " + f + " to " + to);
        }
    }
}
