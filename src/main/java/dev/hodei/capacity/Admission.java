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
 * waits for room (Nomad's and Kueue's strict ordering, not backfill).
 */
public final class Admission {

    /** What one waiting job asks of its provider. */
    public record Request(UUID jobId, String provider, double cpu, long memoryMb) {}

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

    /** The jobs of {@code queue} (in queue order per provider) to admit, in the same order. */
    public static List<UUID> admit(List<Request> queue, Map<String, Use> inUse, Function<String, Capacity> capacity) {
        Map<String, Use> use = new HashMap<>(inUse);
        Set<String> full = new HashSet<>();
        List<UUID> admitted = new ArrayList<>();
        for (Request r : queue) {
            if (full.contains(r.provider())) continue;
            Use next = use.getOrDefault(r.provider(), Use.NONE).plus(r);
            if (next.within(capacity.apply(r.provider()))) {
                use.put(r.provider(), next);
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
            return "spec.cpu: " + format(cpu) + " cores is more than provider " + provider + " has (" + capacity + ")";
        }
        if (memoryMb > capacity.memoryMb()) {
            return "spec.memory_mb: " + memoryMb + " MiB is more than provider " + provider + " has (" + capacity + ")";
        }
        return null;
    }

    private static String format(double cpu) {
        return cpu % 1 == 0 ? Long.toString((long) cpu) : Double.toString(cpu);
    }
}
