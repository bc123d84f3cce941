package dev.hodei.jobs;

import dev.hodei.capacity.Admission;
import dev.hodei.capacity.ProviderCapacities;
import dev.hodei.providers.Capacity;
import dev.hodei.providers.Providers;
import hodei.v1.ProviderQueue;
import hodei.v1.Queue;
import java.time.Clock;
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

    public QueueStanding(JobStore jobs, ProviderCapacities capacities, Providers providers, Clock clock) {
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
        Map<String, Admission.Use> use = jobs.inUse();
        Map<String, Integer> waiting = jobs.waitingByProvider();
        TreeSet<String> names = new TreeSet<>(providers.names());
        names.addAll(use.keySet());
        names.addAll(waiting.keySet());
        Queue.Builder out = Queue.newBuilder();
        for (String p : names) {
            Capacity c = capacities.of(p);
            Admission.Use u = use.getOrDefault(p, Admission.Use.NONE);
            out.addProviders(ProviderQueue.newBuilder()
                    .setProvider(p)
                    .setCpuCapacity(Double.isInfinite(c.cpu()) ? 0 : c.cpu())
                    .setMemoryMbCapacity(c.memoryMb() == Long.MAX_VALUE ? 0 : c.memoryMb())
                    .setWorkersCapacity(c.workers() == Integer.MAX_VALUE ? 0 : c.workers())
                    .setCpuInUse(u.cpu())
                    .setMemoryMbInUse(u.memoryMb())
                    .setAdmitted(u.workers())
                    .setWaiting(waiting.getOrDefault(p, 0)));
        }
        return out.build();
    }

    private String inUse(String provider) {
        Admission.Use u = jobs.inUse().getOrDefault(provider, Admission.Use.NONE);
        return provider + " holds " + u.workers() + " job(s), " + Capacity.cores(u.cpu()) + " cpu and " + u.memoryMb()
                + " MiB of " + capacities.of(provider);
    }

}
