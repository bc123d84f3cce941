package dev.hodei.jobs;

import dev.hodei.agentapi.WorkerGateway;
import dev.hodei.workers.WorkerStore;
import hodei.v1.CancelRun;
import hodei.v1.ServerMessage;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Route {@code cancel-job}. A job not yet running ends CANCELLED at once; a running one is told
 * to its agent, which kills the process tree and reports back, so CANCELLED is recorded by the
 * completion route. Cancelling twice, or cancelling a finished job, changes nothing.
 */
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

    /** Returns the worker to destroy now, if the job had one that will never run it, else null. */
    public UUID cancel(UUID jobId, String reason, String principal) {
        String why = reason == null || reason.isBlank() ? "cancelled by request" : "cancelled: " + reason;
        JobRecord job = jobs.find(jobId).orElseThrow();
        if (job.state().isTerminal()) return null;
        jobs.markCancelRequested(jobId, principal);
        if (jobs.transition(jobId, EnumSet.of(JobState.PENDING, JobState.ASSIGNED, JobState.PROVISIONING),
                JobState.CANCELLED, why, null, "failure_reason = :why, finished_at = now()", Map.of("why", why))
                .isPresent()) {
            return workers.liveWorkerOf(jobId).orElse(null);
        }
        JobRecord now = jobs.find(jobId).orElseThrow();
        if (now.state() == JobState.RUNNING && now.workerId() != null) {
            gateway.send(now.workerId(), ServerMessage.newBuilder()
                    .setCancel(CancelRun.newBuilder().setJobId(jobId.toString()).setReason(why)).build());
        }
        return null;
    }
}
