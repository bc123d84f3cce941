package dev.hodei.lifecycle;

import dev.hodei.pools.WarmPools;
import dev.hodei.workers.WorkerGateway;
import dev.hodei.workers.WorkerRecord;
import dev.hodei.workers.WorkerStore;
import java.time.Clock;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Route {@code job-completed}, for a reusable pool's worker: whether it runs another job after the
 * one it reports on, and putting it back in its pool. Every other worker is destroyed after its job.
 */
@Component
public class WorkerReuse {

    private final WorkerStore workers;
    private final WarmPools pools;
    private final WorkerGateway gateway;
    private final Clock clock;

    public WorkerReuse(WorkerStore workers, WarmPools pools, WorkerGateway gateway, Clock clock) {
        this.workers = workers;
        this.pools = pools;
        this.gateway = gateway;
        this.clock = clock;
    }

    /** A reusable worker with jobs and time left in its pool's settings, whose stream this control plane holds. */
    public boolean keeps(UUID workerId) {
        WorkerRecord w = workers.find(workerId).orElse(null);
        if (w == null || !w.reusable() || w.pool() == null || w.destroyedAt() != null) return false;
        return pools.named(w.pool()).map(p -> p.runsAnother(w.jobsTaken(), w.createdAt(), clock.instant())).orElse(false)
                && gateway.isConnected(workerId);
    }

    /** BUSY → READY, no job: false when the worker ended meanwhile (then it is destroyed). */
    public boolean release(UUID workerId) {
        return workers.release(workerId);
    }
}
