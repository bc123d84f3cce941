package dev.hodei.workers;

import dev.hodei.providers.ManagedResource;
import dev.hodei.providers.ProvisioningException;
import dev.hodei.providers.Providers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Route {@code destroy-worker}: removes a worker's provider resource and records why. A failure
 * is recorded on the worker and left to the GC; it never changes the job's outcome.
 */
@Component
public class WorkerDestruction {

    private static final Logger log = LoggerFactory.getLogger(WorkerDestruction.class);

    private final WorkerStore workers;
    private final Providers providers;
    private final WorkerGateway gateway;
    private final MeterRegistry meters;
    private final ApplicationEventPublisher events;

    public WorkerDestruction(WorkerStore workers, Providers providers, WorkerGateway gateway,
                             MeterRegistry meters, ApplicationEventPublisher events) {
        this.events = events;
        this.workers = workers;
        this.providers = providers;
        this.gateway = gateway;
        this.meters = meters;
    }

    /** Returns true when this call destroyed the worker. */
    public boolean destroy(UUID workerId, DestroyReason reason) {
        Optional<WorkerRecord> found = workers.find(workerId);
        if (found.isEmpty() || found.get().destroyedAt() != null) return false;
        WorkerRecord worker = found.get();
        workers.markTerminated(workerId, null);
        try {
            if (worker.resourceId() != null) {
                providers.get(worker.provider()).destroy(new ManagedResource(worker.resourceId(), workerId));
            }
        } catch (ProvisioningException | RuntimeException e) {
            log.warn("Destroying worker {} ({} {}) failed, left to the GC: {}", workerId, worker.provider(),
                    worker.resourceId(), e.getMessage());
            workers.recordError(workerId, "destroy failed: " + e.getMessage());
            return false;
        } finally {
            gateway.close(workerId);
        }
        Optional<Instant> terminatedAt = workers.markDestroyed(workerId, reason);
        terminatedAt.ifPresent(t -> {
            count(worker.provider(), reason, Duration.between(t, Instant.now()));
            events.publishEvent(new WorkerDestroyed(workerId, worker.jobId(), worker.provider(), worker.resourceId(), reason));
        });
        return terminatedAt.isPresent();
    }

    /** Destroys a resource that no live worker row owns. */
    public void destroyOrphan(String provider, ManagedResource orphan) {
        try {
            providers.get(provider).destroy(orphan);
            log.info("Destroyed orphan {} resource {} (worker {})", provider, orphan.resourceId(), orphan.workerId());
            count(provider, DestroyReason.GC_ORPHAN, null);
        } catch (ProvisioningException | RuntimeException e) {
            log.warn("Destroying orphan {} resource {} failed: {}", provider, orphan.resourceId(), e.getMessage());
        }
    }

    private void count(String provider, DestroyReason reason, Duration latency) {
        if (reason.immediate()) {
            meters.counter("hodei_workers_destroyed_immediate_total", "provider", provider).increment();
        } else {
            meters.counter("hodei_workers_destroyed_gc_total", "provider", provider, "reason", reason.label()).increment();
        }
        if (latency != null) {
            Timer.builder("hodei_worker_destruction_latency_seconds")
                    .description("From the job's result (or the worker's end) to its resource being gone")
                    .tag("provider", provider)
                    .publishPercentileHistogram()
                    .register(meters).record(latency);
        }
    }
}
