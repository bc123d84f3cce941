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
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
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

    /** A restart is no evidence that a worker was lost: its agent is probably reconnecting right now. */
    @EventListener(ApplicationReadyEvent.class)
    public void graceAfterRestart() {
        int n = workers.restartHeartbeatClocks();
        if (n > 0) log.info("{} worker(s) were live when the control plane last stopped; waiting for them to reconnect", n);
    }

    /**
     * Finds workers to destroy and stops them taking work; returns one {@code {workerId, reason,
     * failure}} per worker, for the route to destroy each and then fail its job's attempt with
     * {@code failure} (empty when the job is not affected). Destroying first means a retried job
     * never runs beside the attempt it replaces.
     */
    public List<Map<String, Object>> doomedWorkers() {
        HodeiProperties.Workers w = props.workers();
        List<Map<String, Object>> doomed = new ArrayList<>();
        for (WorkerRecord worker : workers.stale(EnumSet.of(WorkerState.PROVISIONING), "created_at", w.startDeadline())) {
            doomed.add(doom(worker, "gc-provision-timeout",
                    "START_TIMEOUT: the agent did not register within " + w.startDeadline().toSeconds() + " s"));
        }
        for (WorkerRecord worker : workers.stale(EnumSet.of(WorkerState.READY, WorkerState.BUSY), "last_heartbeat_at",
                w.lostAfter())) {
            doomed.add(doom(worker, "gc-lost", "WORKER_LOST: no heartbeat for " + w.lostAfter().toSeconds() + " s"));
        }
        // Terminated but never destroyed: the immediate destroy failed or the server died mid-way.
        for (WorkerRecord worker : workers.stale(EnumSet.of(WorkerState.TERMINATED), "terminated_at",
                Duration.ofSeconds(5))) {
            doomed.add(Map.of("workerId", worker.id(), "reason", "gc-destroy-retry", "failure", ""));
        }
        if (!doomed.isEmpty()) log.info("GC: {} worker(s) to destroy", doomed.size());
        return doomed;
    }

    /** Destroys provider resources labelled as ours that no live worker row owns. */
    public int sweepOrphans() {
        int swept = 0;
        for (WorkerProvider provider : providers.all()) {
            List<ManagedResource> resources;
            try {
                resources = provider.list();
            } catch (Exception e) {
                log.warn("GC: cannot list {} resources: {}", provider.name(), e.getMessage());
                continue;
            }
            // Read after listing: a worker row is written before its resource is made, so any
            // resource just listed already has its row, while one read before could miss it.
            Set<UUID> live = resources.isEmpty() ? Set.of() : workers.liveIds();
            for (ManagedResource r : resources) {
                if (r.workerId() == null || !live.contains(r.workerId())) {
                    destruction.destroyOrphan(provider.name(), r);
                    swept++;
                }
            }
        }
        return swept;
    }

    /** Jobs claimed but never provisioned (a crash between the two) go back to the queue. */
    public int releaseStuckJobs() {
        return jobs.releaseStuckAssigned(props.workers().startDeadline(), props.jobs().retryBackoff(),
                props.jobs().retryBackoffCap());
    }

    /** A worker still starting that can never start is terminated; false if it already moved on. */
    public boolean doomIfStarting(UUID workerId, String failure) {
        return workers.find(workerId).filter(w -> w.state() == WorkerState.PROVISIONING && w.destroyedAt() == null)
                .map(w -> {
                    workers.markTerminated(workerId, failure);
                    return true;
                }).orElse(false);
    }

    /** After the destroy: the worker's job attempt fails with {@code failure}, retried while attempts remain. */
    public void failJobOf(UUID workerId, String failure) {
        if (failure == null || failure.isEmpty()) return;
        WorkerRecord worker = workers.find(workerId).orElse(null);
        if (worker == null || worker.jobId() == null || worker.jobAttempt() == null) return;
        jobs.failAttempt(worker.jobId(), worker.jobAttempt(), Set.of(JobState.PROVISIONING, JobState.RUNNING), failure,
                props.jobs().retryBackoff(), props.jobs().retryBackoffCap());
    }

    private Map<String, Object> doom(WorkerRecord worker, String reason, String failure) {
        workers.markTerminated(worker.id(), failure);
        return Map.of("workerId", worker.id(), "reason", reason, "failure", failure);
    }
}
