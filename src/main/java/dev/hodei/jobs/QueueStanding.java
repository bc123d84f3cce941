package dev.hodei.jobs;

import dev.hodei.capacity.Admission;
import dev.hodei.capacity.ProviderCapacities;
import dev.hodei.pools.WarmWorkers;
import dev.hodei.providers.Capacity;
import dev.hodei.providers.Providers;
import hodei.v1.ProviderQueue;
import hodei.v1.Queue;
import dev.hodei.workers.WorkerStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/** Why a job waits, and each provider's queue: what {@code GetJob} and {@code GetQueue} show. */
@Component
public class QueueStanding {

    private final JobStore jobs;
    private final ProviderCapacities capacities;
    private final Providers providers;
    private final Clock clock;

    private final WarmWorkers warm;

    public QueueStanding(JobStore jobs, ProviderCapacities capacities, Providers providers, Clock clock,
                         WarmWorkers warm) {
        this.warm = warm;
        this.jobs = jobs;
        this.capacities = capacities;
        this.providers = providers;
        this.clock = clock;
    }

    /** For a PENDING job, why it has not started; empty for any other state. */
    public String waitingReason(JobRecord job) {
        if (job.state() != JobState.PENDING) return "";
        JobStore.Standing s = jobs.standing(job.id()).orElse(null);
        if (s == null) return "";
        if (s.notBefore().isAfter(clock.instant())) return "backing off before attempt " + (job.attempt() + 1)
                + ": not before " + s.notBefore();
        String key = job.spec().getConcurrencyKey();
        if (!key.isEmpty()) {
            int running = jobs.keysInUse().getOrDefault(key, 0);
            int limit = capacities.concurrencyLimitOf(job.spec());
            if (running >= limit) {
                return "concurrency key " + key + " is full: " + running + " of " + limit + " admitted";
            }
        }
        String use = inUse(job.provider());
        return s.ahead() == 0 ? "first in the " + job.provider() + " queue; " + use
                : s.ahead() + " job(s) ahead in the " + job.provider() + " queue; " + use;
    }

    public Queue queue() {
        List<WorkerStore.Untaken> untaken = warm.untaken();
        Map<String, Admission.Use> use = WarmWorkers.withUntaken(jobs.inUse(), untaken);
        Map<String, Integer> waiting = jobs.waitingByProvider();
        TreeSet<String> names = new TreeSet<>(providers.names());
        names.addAll(use.keySet());
        names.addAll(waiting.keySet());
        Queue.Builder out = Queue.newBuilder();
        for (String p : names) {
            Capacity c = capacities.of(p);
            Admission.Use u = use.getOrDefault(p, Admission.Use.NONE);
            int idle = (int) untaken.stream().filter(w -> w.provider().equals(p)).count();
            out.addProviders(ProviderQueue.newBuilder()
                    .setProvider(p)
                    .setCpuCapacity(Double.isInfinite(c.cpu()) ? 0 : c.cpu())
                    .setMemoryMbCapacity(c.memoryMb() == Long.MAX_VALUE ? 0 : c.memoryMb())
                    .setWorkersCapacity(c.workers() == Integer.MAX_VALUE ? 0 : c.workers())
                    .setCpuInUse(u.cpu())
                    .setMemoryMbInUse(u.memoryMb())
                    .setAdmitted(u.workers() - idle)
                    .setWarmIdle(idle)
                    .setStartingCapacity(c.starting() == Integer.MAX_VALUE ? 0 : c.starting())
                    .setStarting(u.starting())
                    .setWaiting(waiting.getOrDefault(p, 0)));
        }
        return out.build();
    }

    private String inUse(String provider) {
        List<WorkerStore.Untaken> untaken = warm.untaken();
        Admission.Use u = WarmWorkers.withUntaken(jobs.inUse(), untaken).getOrDefault(provider, Admission.Use.NONE);
        long idle = untaken.stream().filter(w -> w.provider().equals(provider)).count();
        Capacity c = capacities.of(provider);
        return provider + " holds " + (u.workers() - idle) + " job(s)" + (idle > 0 ? " and " + idle + " warm worker(s)" : "")
                + ", " + Capacity.cores(u.cpu()) + " cpu and " + u.memoryMb() + " MiB of " + c
                + (c.starting() == Integer.MAX_VALUE ? "" : "; " + u.starting() + " starting");
    }

}
