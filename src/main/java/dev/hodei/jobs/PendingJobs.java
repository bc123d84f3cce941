package dev.hodei.jobs;

import dev.hodei.server.HodeiProperties;
import java.util.List;
import org.springframework.stereotype.Component;

/** Route {@code pending-jobs}: claims the next batch of due jobs. */
@Component
public class PendingJobs {

    private final JobStore jobs;
    private final HodeiProperties props;

    public PendingJobs(JobStore jobs, HodeiProperties props) {
        this.jobs = jobs;
        this.props = props;
    }

    public List<JobRecord> claim() {
        return jobs.claimPending(props.jobs().claimBatchSize());
    }
}
