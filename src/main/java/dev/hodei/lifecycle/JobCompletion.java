package dev.hodei.lifecycle;

import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobStore;
import dev.hodei.jobs.ResultOutcome;
import dev.hodei.workers.WorkerGateway;
import hodei.v1.Ack;
import hodei.v1.JobResult;
import hodei.v1.ServerMessage;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Steps of route {@code job-completed}: what an agent's result means, and its acknowledgement. */
@Component
public class JobCompletion {

    private static final Logger log = LoggerFactory.getLogger(JobCompletion.class);

    private final JobStore jobs;
    private final WorkerGateway gateway;

    public JobCompletion(JobStore jobs, WorkerGateway gateway) {
        this.jobs = jobs;
        this.gateway = gateway;
    }

    /** The result's outcome ({@link ResultOutcome}); null when the worker does not run that job. */
    public ResultOutcome outcome(UUID workerId, JobResult result) {
        UUID jobId = UUID.fromString(result.getJobId());
        JobRecord job = jobs.find(jobId).orElseThrow(() -> new IllegalArgumentException("no job " + jobId));
        if (!workerId.equals(job.workerId())) {
            log.warn("Worker {} reported a result for job {} which it does not run; ignored", workerId, jobId);
            return null;
        }
        return ResultOutcome.of(result, job.spec(), job.maxAttempts());
    }

    /**
     * Tells the agent its result is safely stored, so it may exit (or, reusable, take the next job);
     * false when its stream is closed: the agent resends the result when it reconnects.
     */
    public boolean acknowledge(UUID workerId, JobResult result) {
        return gateway.send(workerId, ServerMessage.newBuilder().setResultAck(Ack.newBuilder()
                .setJobId(result.getJobId()).setAttempt(result.getAttempt())).build());
    }
}
