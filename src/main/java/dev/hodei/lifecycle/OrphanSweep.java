package dev.hodei.lifecycle;

import dev.hodei.providers.ManagedResource;
import dev.hodei.providers.Providers;
import dev.hodei.providers.WorkerProvider;
import dev.hodei.workers.WorkerDestruction;
import dev.hodei.workers.WorkerStore;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Route {@code sweep-orphans}: destroys provider resources labelled as ours that no live worker
 * row owns (e.g. left by a server crash between making a resource and recording it).
 */
@Component
public class OrphanSweep {

    private static final Logger log = LoggerFactory.getLogger(OrphanSweep.class);

    private final Providers providers;
    private final WorkerStore workers;
    private final WorkerDestruction destruction;
    private final Set<String> unreachable = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public OrphanSweep(Providers providers, WorkerStore workers, WorkerDestruction destruction) {
        this.providers = providers;
        this.workers = workers;
        this.destruction = destruction;
    }

    /** Returns how many resources were destroyed. */
    public int sweep() {
        int swept = 0;
        for (WorkerProvider provider : providers.all()) {
            List<ManagedResource> resources;
            try {
                resources = provider.list();
            } catch (Exception e) {
                // Said once per outage, and only while the provider has workers of ours: one nobody
                // uses (no Docker daemon on this machine) is no news at all.
                if (unreachable.add(provider.name())) log.debug("GC: cannot list {} resources: {}", provider.name(), e.getMessage());
                if (!warned.contains(provider.name()) && workers.anyLiveOn(provider.name())) {
                    warned.add(provider.name());
                    log.warn("GC: cannot list {} resources: {} (not said again until it answers)", provider.name(),
                            e.getMessage());
                }
                continue;
            }
            unreachable.remove(provider.name());
            if (warned.remove(provider.name())) log.info("GC: {} answers again", provider.name());
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
}
