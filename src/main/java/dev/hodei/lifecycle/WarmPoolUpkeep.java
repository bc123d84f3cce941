package dev.hodei.lifecycle;

import dev.hodei.capacity.Admission;
import dev.hodei.capacity.ProviderCapacities;
import dev.hodei.cluster.Replicas;
import dev.hodei.jobs.JobStore;
import dev.hodei.pools.PoolSizing;
import dev.hodei.pools.WarmPool;
import dev.hodei.pools.WarmPools;
import dev.hodei.pools.WarmWorkers;
import dev.hodei.providers.Capacity;
import dev.hodei.providers.WorkerLaunch;
import dev.hodei.server.ControlPlaneIdentity;
import dev.hodei.workers.BootstrapTokens;
import dev.hodei.workers.DestroyReason;
import dev.hodei.workers.WorkerDestruction;
import dev.hodei.workers.WorkerGateway;
import dev.hodei.workers.WorkerState;
import dev.hodei.workers.WorkerStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The steps of route {@code warm-pools}: retire the idle workers a pool no longer needs, and top
 * each pool up to its target ({@link PoolSizing}) within its provider's free capacity. Pools wait
 * while jobs of their provider wait for room: a pool must not take the capacity a queued job needs.
 * A pool whose workers failed to start (the provider refused, the agent never registered) waits
 * before it asks again ({@link PoolSizing#pausedUntil}), whichever control plane saw the failure.
 */
@Component
public class WarmPoolUpkeep {

    private static final Logger log = LoggerFactory.getLogger(WarmPoolUpkeep.class);

    /** A warm worker to start: its row and one-time token exist. */
    public record WarmLaunch(WorkerLaunch launch, String pool, String provider) {}

    private final WarmPools pools;
    private final WorkerStore workers;
    private final BootstrapTokens tokens;
    private final JobStore jobs;
    private final ProviderCapacities capacities;
    private final ControlPlaneIdentity identity;
    private final TransactionTemplate tx;
    private final Clock clock;
    private volatile Map<String, int[]> idleAndTarget = Map.of();

    private final WorkerGateway gateway;
    private final WorkerDestruction destruction;
    private final Replicas replicas;
    private volatile boolean draining;

    public WarmPoolUpkeep(WarmPools pools, WorkerStore workers, BootstrapTokens tokens, JobStore jobs,
                          ProviderCapacities capacities, ControlPlaneIdentity identity, TransactionTemplate tx,
                          Clock clock, MeterRegistry meters, WorkerGateway gateway, WorkerDestruction destruction, Replicas replicas) {
        this.gateway = gateway;
        this.replicas = replicas;
        this.destruction = destruction;
        this.pools = pools;
        this.workers = workers;
        this.tokens = tokens;
        this.jobs = jobs;
        this.capacities = capacities;
        this.identity = identity;
        this.tx = tx;
        this.clock = clock;
        for (WarmPool p : pools.all()) {
            Gauge.builder("hodei_warm_pool_idle", () -> idleAndTarget.getOrDefault(p.name(), new int[2])[0])
                    .description("Warm workers no job has taken yet (starting or ready)")
                    .tag("pool", p.name()).tag("provider", p.provider()).register(meters);
            Gauge.builder("hodei_warm_pool_target", () -> idleAndTarget.getOrDefault(p.name(), new int[2])[1])
                    .description("Idle warm workers the pool aims to keep")
                    .tag("pool", p.name()).tag("provider", p.provider()).register(meters);
        }
    }

    /** Idle workers beyond their pool's target for longer than its idle timeout, terminated now; the route destroys them. */
    public List<UUID> retire() {
        Instant now = clock.instant();
        List<WorkerStore.Untaken> untaken = workers.untaken(); // even with no pool: one may have been removed
        List<UUID> retired = new ArrayList<>();
        for (WorkerStore.Untaken w : untaken) {
            var pool = pools.named(w.pool());
            // a pool no longer configured (settings changed across a restart) keeps nothing; a reusable
            // worker past its pool's reuse-for goes even while idle
            String why = pool.isEmpty() ? "pool " + w.pool() + " is no longer configured"
                    : pool.get().reusable() && !now.isBefore(w.createdAt().plus(pool.get().reuseFor()))
                            ? "older than its pool's reuse-for (" + pool.get().reuseFor() + ")" : null;
            if (why != null && workers.retireUntaken(w.id(), why)) retired.add(w.id());
        }
        for (WarmPool pool : pools.all()) {
            int target = PoolSizing.target(pool, workers.takenSince(pool.name(), now.minus(pool.idleTimeout())));
            for (UUID id : PoolSizing.toRetire(pool, target, idleOf(pool, untaken), now)) {
                if (workers.retireUntaken(id, "idle in pool " + pool.name() + " for over " + pool.idleTimeout())) {
                    retired.add(id);
                }
            }
        }
        if (!retired.isEmpty()) log.info("Retiring {} idle warm worker(s)", retired.size());
        return retired;
    }

    /** The warm workers to start now, their rows and tokens written; the route launches each. */
    public List<WarmLaunch> replenish() {
        if (pools.all().isEmpty() || draining) return List.of();
        Instant now = clock.instant();
        List<WarmPool> due = pools.all().stream().filter(p -> {
            WorkerStore.FailedStarts failed = workers.failedStarts(p.name(), now.minus(PoolSizing.MAX_PAUSE));
            return !now.isBefore(PoolSizing.pausedUntil(failed.count(), failed.last()));
        }).toList();
        // asked before the lock, as the claimer does: a provider's own figure may take a round-trip
        Map<String, Capacity> capacity = new HashMap<>();
        for (WarmPool p : due) capacity.computeIfAbsent(p.provider(), capacities::of);
        List<WarmLaunch> launches = tx.execute(status -> {
            jobs.lockAdmission(); // the claimer's lock: the two never spend the same free capacity
            List<WorkerStore.Untaken> untaken = workers.untaken();
            Map<String, Admission.Use> use = new HashMap<>(WarmWorkers.withUntaken(jobs.inUse(), untaken));
            Map<String, Integer> waiting = jobs.waitingByProvider();
            Map<String, int[]> figures = new HashMap<>();
            List<WarmLaunch> out = new ArrayList<>();
            for (WarmPool pool : pools.all()) {
                List<PoolSizing.Idle> idle = idleOf(pool, untaken);
                int target = PoolSizing.target(pool, workers.takenSince(pool.name(), now.minus(pool.idleTimeout())));
                figures.put(pool.name(), new int[] {idle.size(), target});
                if (!due.contains(pool) || waiting.getOrDefault(pool.provider(), 0) > 0) continue;
                for (int i = PoolSizing.missing(target, idle); i > 0; i--) {
                    Admission.Use next = use.getOrDefault(pool.provider(), Admission.Use.NONE).plus(pool.cpu(), pool.memoryMb());
                    if (!next.within(capacity.get(pool.provider()))) break;
                    use.put(pool.provider(), next);
                    out.add(prepare(pool, now));
                }
            }
            idleAndTarget = figures;
            return out;
        });
        return launches == null ? List.of() : launches;
    }

    private WarmLaunch prepare(WarmPool pool, Instant now) {
        UUID workerId = UUID.randomUUID();
        workers.insertWarm(workerId, pool.provider(), pool.name(), pool.image(), pool.cpu(), pool.memoryMb(),
                pool.namespace(), pool.reusable());
        String otp = tokens.issue(workerId, null);
        return new WarmLaunch(new WorkerLaunch(workerId, null, 0, pool.workerSpec(), 0, otp, identity.instanceId(), now,
                pool.reusable()), pool.name(), pool.provider());
    }

    /**
     * On a clean stop (first thing, while agents' streams are still open), the idle warm workers
     * this control plane holds are destroyed and no more are made: the pool refills within seconds
     * of the next start, and nobody is left waiting for a server that is gone. After a crash they
     * stay, and reconnect to the server when it is back. While other replicas live, nothing is
     * drained: they keep the pools.
     */
    @EventListener(ContextClosedEvent.class)
    public synchronized void drain() {
        if (draining) return; // once: a second call may find the database gone
        draining = true;
        if (replicas.othersLive()) {
            // the pools live on: another replica keeps them, and agents connected here reconnect there
            log.info("Warm pools left to the other replicas");
            return;
        }
        try {
            Set<UUID> here = gateway.connected();
            int drained = 0;
            for (WorkerStore.Untaken w : workers.untaken()) {
                if ((here.contains(w.id()) || w.state() == WorkerState.PROVISIONING)
                        && workers.retireUntaken(w.id(), "its control plane stopped")) {
                    destruction.destroy(w.id(), DestroyReason.POOL_DRAINED);
                    drained++;
                }
            }
            if (drained > 0) log.info("Destroyed {} idle warm worker(s) on stopping", drained);
        } catch (RuntimeException e) {
            log.warn("Could not destroy the idle warm workers on stopping; they are reaped after the next start: {}",
                    e.toString());
        }
    }

    private static List<PoolSizing.Idle> idleOf(WarmPool pool, List<WorkerStore.Untaken> untaken) {
        return untaken.stream().filter(w -> pool.name().equals(w.pool()))
                .map(w -> new PoolSizing.Idle(w.id(), w.state() == WorkerState.READY, w.since())).toList();
    }
}
