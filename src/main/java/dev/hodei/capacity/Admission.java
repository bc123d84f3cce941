package dev.hodei.capacity;

import dev.hodei.providers.Capacity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Which waiting jobs may start now: each provider's queue, in its order (priority, then age), is
 * admitted while what the jobs ask for fits what the provider has free. The first job that does
 * not fit stops its provider's queue, so a stream of small jobs never overtakes a big one that
 * waits for room (Nomad's and Kueue's strict ordering, not backfill). A job whose concurrency key
 * is full waits, and so do the later jobs of its key, without holding back anyone else.
 */
public final class Admission {

    /** What one waiting job asks of its provider; {@code concurrencyKey} null when it names none. */
    public record Request(UUID jobId, String provider, double cpu, long memoryMb, String concurrencyKey,
                          int concurrencyLimit) {}

    /** What a provider's admitted jobs hold now. */
    public record Use(double cpu, long memoryMb, int workers) {
        public static final Use NONE = new Use(0, 0, 0);

        Use plus(Request r) {
            return new Use(cpu + r.cpu(), memoryMb + r.memoryMb(), workers + 1);
        }

        boolean within(Capacity c) {
            // a little slack: sums of fractional cores must not refuse an exact fit
            return cpu <= c.cpu() + 1e-9 && memoryMb <= c.memoryMb() && workers <= c.workers();
        }
    }

    private Admission() {}

    /**
     * The jobs of {@code queue} (in queue order per provider) to admit, in the same order;
     * {@code keysInUse}: admitted jobs per concurrency key.
     */
    public static List<UUID> admit(List<Request> queue, Map<String, Use> inUse, Map<String, Integer> keysInUse,
                                   Function<String, Capacity> capacity) {
        Map<String, Use> use = new HashMap<>(inUse);
        Map<String, Integer> keys = new HashMap<>(keysInUse);
        Set<String> full = new HashSet<>();
        Set<String> fullKeys = new HashSet<>();
        List<UUID> admitted = new ArrayList<>();
        for (Request r : queue) {
            if (full.contains(r.provider())) continue;
            String key = r.concurrencyKey();
            if (key != null && (fullKeys.contains(key) || keys.getOrDefault(key, 0) >= r.concurrencyLimit())) {
                fullKeys.add(key); // its later jobs wait behind it, in order
                continue;
            }
            Use next = use.getOrDefault(r.provider(), Use.NONE).plus(r);
            if (next.within(capacity.apply(r.provider()))) {
                use.put(r.provider(), next);
                if (key != null) keys.merge(key, 1, Integer::sum);
                admitted.add(r.jobId());
            } else {
                full.add(r.provider());
            }
        }
        return admitted;
    }

    /** Why a job asking {@code request} can never run on a provider of {@code capacity}; null when it can. */
    public static String neverFits(double cpu, long memoryMb, String provider, Capacity capacity) {
        if (cpu > capacity.cpu() + 1e-9) {
            return "spec.cpu: " + Capacity.cores(cpu) + " cores is more than provider " + provider + " has (" + capacity + ")";
        }
        if (memoryMb > capacity.memoryMb()) {
            return "spec.memory_mb: " + memoryMb + " MiB is more than provider " + provider + " has (" + capacity + ")";
        }
        return null;
    }

}
