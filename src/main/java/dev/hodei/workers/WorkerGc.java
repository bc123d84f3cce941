package dev.hodei.workers;

import dev.hodei.jobs.JobState;
import dev.hodei.jobs.JobStore;
import dev.hodei.providers.ManagedResource;
import dev.hodei.providers.Providers;
import dev.hodei.providers.WorkerProvider;
import dev.hodei.server.HodeiProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Route {@code worker-gc}: the safety net. Compares the database with itself and with each
 * provider's inventory; every pass is safe to run twice or on two control planes at once,
 * because each consequence is a guarded state change.
 */
@Component
public class WorkerGc {

    private static final Logger log = LoggerFactory.getLogger(WorkerGc.class);

    private final WorkerStore workers;
    private final JobStore jobs;
    private final Providers providers;
    private final WorkerDestruction destruction;
    private final HodeiProperties props;

    public WorkerGc(WorkerStore workers, JobStore jobs, Providers providers, WorkerDestruction destruction,
                    HodeiProperties props) {
        this.workers = workers;
        this.jobs = jobs;
        this.providers = providers;
        this.destruction = destruction;
        this.props = props;
    }

    /**
     * Finds workers to destroy and fails their jobs' attempts; returns one
     * {@code {workerId, reason}} per worker, for the route to split into {@code destroy-worker}.
     */
    public List<Map<String, Object>> doomedWorkers() {
        HodeiProperties.Workers w = props.workers();
        List<Map<String, Object>> doomed = new ArrayList<>();
        for (WorkerRecord worker : workers.stale(EnumSet.of(WorkerState.PROVISIONING), "created_at", w.startDeadline())) {
            failJob(worker, "START_TIMEOUT: the agent did not register within " + w.startDeadline().toSeconds() + " s");
            doomed.add(Map.of("workerId", worker.id(), "reason", "gc-provision-timeout"));
        }
        for (WorkerRecord worker : workers.stale(EnumSet.of(WorkerState.READY, WorkerState.BUSY), "last_heartbeat_at",
                w.lostAfter())) {
            failJob(worker, "WORKER_LOST: no heartbeat for " + w.lostAfter().toSeconds() + " s");
            doomed.add(Map.of("workerId", worker.id(), "reason", "gc-lost"));
        }
        // Terminated but never destroyed: the immediate destroy failed or the server died mid-way.
        for (WorkerRecord worker : workers.stale(EnumSet.of(WorkerState.TERMINATED), "terminated_at",
                Duration.ofSeconds(5))) {
            doomed.add(Map.of("workerId", worker.id(), "reason", "gc-destroy-retry"));
        }
        if (!doomed.isEmpty()) log.info("GC: {} worker(s) to destroy", doomed.size());
        return doomed;
    }

    /** Destroys provider resources labelled as ours that no live worker row owns. */
    public int sweepOrphans() {
        Set<UUID> live = workers.liveIds();
        int swept = 0;
        for (WorkerProvider provider : providers.all()) {
            List<ManagedResource> resources;
            try {
                resources = provider.list();
            } catch (Exception e) {
                log.warn("GC: cannot list {} resources: {}", provider.name(), e.getMessage());
                continue;
            }
            for (ManagedResource r : resources) {
                if (r.workerId() == null || !live.contains(r.workerId())) {
                    destruction.destroyOrphan(provider.name(), r.resourceId(), r.workerId());
                    swept++;
                }
            }
        }
        return swept;
    }

    private void failJob(WorkerRecord worker, String reason) {
        workers.markTerminated(worker.id(), reason);
        if (worker.jobId() == null || worker.jobAttempt() == null) return;
        jobs.failAttempt(worker.jobId(), worker.jobAttempt(),
                Set.of(JobState.PROVISIONING, JobState.RUNNING), reason,
                props.jobs().retryBackoff(), props.jobs().retryBackoffCap());
    }
}
