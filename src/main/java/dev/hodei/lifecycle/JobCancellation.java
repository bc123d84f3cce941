package dev.hodei.lifecycle;

import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobState;
import dev.hodei.jobs.JobStore;
import dev.hodei.workers.WorkerGateway;
import dev.hodei.workers.WorkerStore;
import hodei.v1.CancelRun;
import hodei.v1.ServerMessage;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Steps of route {@code cancel-job} that are not a state change. */
@Component
public class JobCancellation {

    private final JobStore jobs;
    private final WorkerStore workers;
    private final WorkerGateway gateway;

    public JobCancellation(JobStore jobs, WorkerStore workers, WorkerGateway gateway) {
        this.jobs = jobs;
        this.workers = workers;
        this.gateway = gateway;
    }

    /** The reason recorded on the job, from the one the caller gave (if any). */
    public String reason(String requested) {
        return requested == null || requested.isBlank() ? "cancelled by request" : "cancelled: " + requested;
    }

    /** The live worker made for the job, which will never run it now; null when there is none. */
    public UUID workerOf(UUID jobId) {
        return workers.liveWorkerOf(jobId).orElse(null);
    }

    /** A running job is stopped by its agent, which kills the process tree and reports CANCELLED. */
    public void tellAgent(UUID jobId, String why) {
        JobRecord job = jobs.find(jobId).orElseThrow();
        if (job.state() == JobState.RUNNING && job.workerId() != null) {
            gateway.send(job.workerId(), ServerMessage.newBuilder()
                    .setCancel(CancelRun.newBuilder().setJobId(jobId.toString()).setReason(why)).build());
        }
    }
}
