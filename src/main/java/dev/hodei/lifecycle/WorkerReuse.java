package dev.hodei.lifecycle;

import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobTransitions;
import dev.hodei.pools.WarmPools;
import dev.hodei.workers.WorkerGateway;
import dev.hodei.workers.WorkerRecord;
import dev.hodei.workers.WorkerStore;
import hodei.v1.JobResult;
import java.time.Clock;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Route {@code job-completed}, for a reusable pool's worker: whether it runs another job after the
 * one it reports on, and putting it back in its pool — only once its acknowledgement went out, so
 * the agent never resends that result to a worker already running the next job. Every other
 * worker is destroyed after its job.
 */
@Component
public class WorkerReuse {

    private static final String DEFAULT_POLICY = "direct:default-provider-policy";

    private final WorkerStore workers;
    private final WarmPools pools;
    private final WorkerGateway gateway;
    private final Clock clock;
    private final JobDispatch dispatch;
    private final JobTransitions transitions;
    private final AdmissionDelay admissionDelay;
    // an integrator's provider policy may send a job elsewhere than its provider column says: only
    // the default policy, which keeps it, lets a job skip schedule-job
    private final boolean handsOver;

    public WorkerReuse(WorkerStore workers, WarmPools pools, WorkerGateway gateway, Clock clock, JobDispatch dispatch,
                       JobTransitions transitions, AdmissionDelay admissionDelay,
                       @Value("${hodei.jobs.provider-policy:" + DEFAULT_POLICY + "}") String providerPolicy) {
        this.workers = workers;
        this.pools = pools;
        this.gateway = gateway;
        this.clock = clock;
        this.dispatch = dispatch;
        this.transitions = transitions;
        this.admissionDelay = admissionDelay;
        this.handsOver = DEFAULT_POLICY.equals(providerPolicy.strip());
    }

    /** What becomes of the worker once its result is recorded and acknowledged. */
    public enum AfterResult {
        /** A reusable worker with jobs and time left, reporting the job it holds: back to its pool. */
        REUSE,
        /**
         * A reusable worker reporting a job it no longer holds (a result resent after its
         * acknowledgement was lost, the worker since released or given another job): acknowledged
         * again, nothing else; the worker and the job it holds now are left alone.
         */
        STALE,
        /** Every other worker, and a reusable one's last job: terminated and destroyed. */
        END
    }

    public AfterResult afterResult(UUID workerId, JobResult result) {
        WorkerRecord w = workers.find(workerId).orElse(null);
        if (w == null || !w.reusable() || w.pool() == null || w.destroyedAt() != null) return AfterResult.END;
        if (w.jobId() == null || !w.jobId().toString().equals(result.getJobId()) || w.jobAttempt() == null
                || w.jobAttempt() != result.getAttempt()) {
            return AfterResult.STALE;
        }
        boolean another = pools.named(w.pool()).map(p -> p.runsAnother(w.jobsTaken(), w.createdAt(), clock.instant()))
                .orElse(false);
        return another && gateway.isConnected(workerId) ? AfterResult.REUSE : AfterResult.END;
    }

    /**
     * The job handed over to the worker whose result was just acknowledged (its queue's head, when
     * it fits: {@link JobTransitions#handOver}), as that left it: PROVISIONING on the worker; null
     * when none was, and the worker goes back to its pool.
     */
    public JobRecord handOver(UUID workerId, JobResult result, Boolean redelivered) {
        if (!handsOver) return null;
        UUID ended = UUID.fromString(result.getJobId());
        JobRecord next = transitions.handOver(workerId, ended, result.getAttempt()).orElse(null);
        if (next != null) {
            admissionDelay.claimed(next);
            return next;
        }
        // tried again after a failure (the reply lost, say): the first try may have handed one over
        return Boolean.TRUE.equals(redelivered) ? awaitingDispatch(workerId, ended) : null;
    }

    /** The job the worker holds and that waits for it to take it (PROVISIONING), other than {@code ended}. */
    private JobRecord awaitingDispatch(UUID workerId, UUID ended) {
        UUID held = heldJob(workerId);
        return held == null || held.equals(ended) ? null : dispatch.waitingFor(workerId, held);
    }

    /** The job a worker holds now; null when none. */
    public UUID heldJob(UUID workerId) {
        return workers.find(workerId).map(WorkerRecord::jobId).orElse(null);
    }

    /** BUSY → READY with no job, only while it still holds the result's job: false otherwise (then it is destroyed). */
    public boolean release(UUID workerId, JobResult result) {
        return workers.release(workerId, UUID.fromString(result.getJobId()), result.getAttempt());
    }
}
