package dev.hodei.jobs;

import dev.hodei.server.HodeiProperties;
import java.util.List;
import org.springframework.stereotype.Component;

/** Route {@code claim-jobs}: claims the next batch of due jobs. */
@Component
public class PendingJobs {

    private final JobTransitions transitions;
    private final HodeiProperties props;

    public PendingJobs(JobTransitions transitions, HodeiProperties props) {
        this.transitions = transitions;
        this.props = props;
    }

    public List<JobRecord> claim() {
        return transitions.claim(props.jobs().claimBatchSize());
    }
}
