package dev.hodei.lifecycle;

import dev.hodei.capacity.Admission;
import dev.hodei.capacity.ProviderCapacities;
import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobStore;
import dev.hodei.jobs.JobTransitions;
import dev.hodei.pools.WarmWorkers;
import dev.hodei.providers.Capacity;
import dev.hodei.providers.Providers;
import dev.hodei.server.HodeiProperties;
import dev.hodei.workers.WorkerGateway;
import dev.hodei.workers.WorkerStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Route {@code claim-jobs}: claims the waiting jobs that fit their provider's free capacity
 * ({@link Admission}). Admission is serialised across control planes by a transaction-scoped
 * advisory lock, so two claimers never both spend the same free capacity.
 */
@Component
public class PendingJobs {

    private final JobStore jobs;
    private final JobTransitions transitions;
    private final ProviderCapacities capacities;
    private final Providers providers;
    private final TransactionTemplate tx;
    private final int batch;
    private final AdmissionDelay admissionDelay;
    private final WarmWorkers warmWorkers;
    private final WorkerGateway gateway;

    public PendingJobs(JobStore jobs, JobTransitions transitions, ProviderCapacities capacities, Providers providers,
                       TransactionTemplate tx, HodeiProperties props, AdmissionDelay admissionDelay, WarmWorkers warmWorkers,
                       WorkerGateway gateway) {
        this.warmWorkers = warmWorkers;
        this.gateway = gateway;
        this.providers = providers;
        this.admissionDelay = admissionDelay;
        this.jobs = jobs;
        this.transitions = transitions;
        this.capacities = capacities;
        this.tx = tx;
        this.batch = props.jobs().claimBatchSize();
    }

    public List<JobRecord> claim() {
        // asked before the lock: a provider's own figure may take a round-trip to find
        Map<String, Capacity> capacity = new HashMap<>();
        for (String p : providers.names()) capacity.put(p, capacities.of(p));
        List<JobRecord> claimed = tx.execute(status -> {
            jobs.lockAdmission();
            List<Admission.Request> queue = jobs.queueHeads(batch);
            if (queue.isEmpty()) return List.<JobRecord>of();
            List<WorkerStore.Untaken> warm = warmWorkers.untaken();
            // the keys' counts only matter to a head that names one: most rounds name none
            Map<String, Integer> keys = queue.stream().anyMatch(r -> r.concurrencyKey() != null) ? jobs.keysInUse() : Map.of();
            List<UUID> admitted = Admission.admit(queue, jobs.inUse(), WarmWorkers.use(warm), keys,
                    p -> capacity.getOrDefault(p, Capacity.UNLIMITED), WarmWorkers.slots(warm, gateway.connected()));
            return transitions.claim(admitted);
        });
        claimed.forEach(admissionDelay::claimed);
        return claimed;
    }

    /**
     * Whether a round claimed as many jobs as one provider's batch: its queue may hold more that
     * fit (each round reads at most a batch per provider), so the route wakes the claimer again.
     */
    public boolean claimedWholeBatch(List<JobRecord> claimed) {
        return claimed.size() >= batch;
    }
}
