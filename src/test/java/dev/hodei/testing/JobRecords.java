package dev.hodei.testing;

import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobState;
import hodei.v1.JobSpec;
import java.time.Instant;
import java.util.UUID;

/** Jobs as stored, for unit tests of the policies: {@code JobRecords.aJob().attempt(2).build()}. */
public final class JobRecords {

    private UUID id = UUID.randomUUID();
    private JobSpec spec = JobSpec.newBuilder().setShell("true").build();
    private JobState state = JobState.RUNNING;
    private int attempt = 1;
    private int maxAttempts = 1;
    private boolean cancelRequested;

    private JobRecords() {}

    public static JobRecords aJob() {
        return new JobRecords();
    }

    public JobRecords spec(JobSpec spec) {
        this.spec = spec;
        return this;
    }

    public JobRecords state(JobState state) {
        this.state = state;
        return this;
    }

    /** On attempt {@code attempt} of {@code maxAttempts}. */
    public JobRecords attempt(int attempt, int maxAttempts) {
        this.attempt = attempt;
        this.maxAttempts = maxAttempts;
        return this;
    }

    public JobRecords cancelRequested() {
        this.cancelRequested = true;
        return this;
    }

    public JobRecord build() {
        return new JobRecord(id, null, spec, state, "process", attempt, maxAttempts, 60, null, null, 0, null,
                cancelRequested, Instant.now(), null, null, null, null, "default", null, null);
    }
}
