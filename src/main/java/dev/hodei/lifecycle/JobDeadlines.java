package dev.hodei.lifecycle;

import dev.hodei.jobs.AttemptFailure;
import dev.hodei.jobs.Failure;
import dev.hodei.jobs.JobStore;
import dev.hodei.server.HodeiProperties;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Routes {@code expire-queued-jobs} and {@code release-stuck-jobs}: jobs that waited too long. */
@Component
public class JobDeadlines {

    private final JobStore jobs;
    private final HodeiProperties props;
    private final Clock clock;

    public JobDeadlines(JobStore jobs, HodeiProperties props, Clock clock) {
        this.jobs = jobs;
        this.props = props;
        this.clock = clock;
    }

    /** PENDING jobs whose queue deadline passed. */
    public List<UUID> pastQueueDeadline() {
        return jobs.pastQueueDeadline(clock.instant());
    }

    /**
     * Jobs claimed but never handed to a provider (the server died between the two, or
     * scheduling failed): their attempt fails, and is retried while attempts remain.
     */
    public List<AttemptFailure> stuckClaims() {
        return jobs.claimedBefore(clock.instant().minus(props.workers().startDeadline())).stream()
                .map(j -> new AttemptFailure(j.id(), j.attempt(),
                        Failure.SCHEDULING_FAILED.because("claimed but never provisioned")))
                .toList();
    }
}
