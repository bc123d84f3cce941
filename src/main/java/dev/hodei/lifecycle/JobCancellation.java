package dev.hodei.lifecycle;

import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobState;
import dev.hodei.jobs.JobStore;
import dev.hodei.workers.AgentCommands;
import dev.hodei.workers.WorkerStore;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Steps of route {@code cancel-job} that are not a state change. */
@Component
public class JobCancellation {

    private final JobStore jobs;
    private final WorkerStore workers;
    private final AgentCommands commands;

    public JobCancellation(JobStore jobs, WorkerStore workers, AgentCommands commands) {
        this.jobs = jobs;
        this.workers = workers;
        this.commands = commands;
    }

    /** The reason recorded on the job, from the one the caller gave (if any). */
    public String reason(String requested) {
        return requested == null || requested.isBlank() ? "cancelled by request" : "cancelled: " + requested;
    }

    /** The live worker made for the job, which will never run it now; null when there is none. */
    public UUID workerOf(UUID jobId) {
        return workers.liveWorkerOf(jobId).orElse(null);
    }

    /**
     * A running job is stopped by its agent, which kills the process tree and reports CANCELLED.
     * The cancel is kept for the agent and reaches it on whichever replica holds its stream, or
     * when it reconnects; null when the job is not running (any more).
     */
    public AgentCommands.Delivery tellAgent(UUID jobId, String why) {
        JobRecord job = jobs.find(jobId).orElseThrow();
        if (job.state() != JobState.RUNNING || job.workerId() == null) return null;
        return commands.cancel(job.workerId(), jobId, job.attempt(), why);
    }
}
