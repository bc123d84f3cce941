package dev.hodei.jobs;

import java.util.EnumSet;
import java.util.Set;

/** A job's state as stored in {@code jobs.state}; its legal edges are {@link JobStateMachine}'s. */
public enum JobState {
    PENDING, ASSIGNED, PROVISIONING, RUNNING, SUCCEEDED, FAILED, CANCELLED, TIMED_OUT;

    public static final Set<JobState> TERMINAL = EnumSet.of(SUCCEEDED, FAILED, CANCELLED, TIMED_OUT);
    /** Claimed but not yet running: a worker is being found or made for it. */
    public static final Set<JobState> STARTING = EnumSet.of(ASSIGNED, PROVISIONING);
    /** Claimed and not finished: an attempt is under way. */
    public static final Set<JobState> STARTED_OR_RUNNING = EnumSet.of(ASSIGNED, PROVISIONING, RUNNING);

    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    public hodei.v1.JobState toProto() {
        return hodei.v1.JobState.valueOf("JOB_STATE_" + name());
    }

    public static JobState fromProto(hodei.v1.JobState state) {
        return valueOf(state.name().substring("JOB_STATE_".length()));
    }
}
