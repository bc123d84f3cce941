package dev.hodei.pools;

import dev.hodei.capacity.Admission;
import dev.hodei.providers.Capacity;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How many idle workers a pool keeps: {@code minIdle}, plus as many as jobs took from it within
 * its idle timeout (recent demand), never more than {@code maxIdle}. Workers beyond the target
 * that have waited longer than the idle timeout are retired, the longest-waiting first; a pool
 * never shrinks below {@code minIdle}.
 */
public final class PoolSizing {

    /** A live worker of the pool that no job has taken: since when it waits (registered, or made). */
    public record Idle(UUID workerId, boolean ready, Instant since) {}

    /** The longest a pool waits after its workers failed to start. */
    public static final Duration MAX_PAUSE = Duration.ofMinutes(1);
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(2);

    private PoolSizing() {}

    /**
     * After {@code failures} failed starts within {@link #MAX_PAUSE}, the last at {@code last}: not
     * before 2 s after it, doubling with each failure, at most a minute.
     */
    public static Instant pausedUntil(int failures, Instant last) {
        if (failures <= 0 || last == null) return Instant.MIN;
        Duration pause = FIRST_PAUSE.multipliedBy(1L << Math.min(failures - 1, 10));
        return last.plus(pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause);
    }

    /**
     * Why the pools' {@code minIdle} workers, added up per provider, can never all wait at once
     * (the pools would silently keep fewer than set); null when they fit.
     */
    public static String overCapacity(List<WarmPool> pools, Function<String, Capacity> capacityOf) {
        Map<String, List<WarmPool>> byProvider = pools.stream()
                .collect(Collectors.groupingBy(WarmPool::provider, TreeMap::new, Collectors.toList()));
        for (Map.Entry<String, List<WarmPool>> e : byProvider.entrySet()) {
            List<WarmPool> on = e.getValue();
            Admission.Use need = on.stream()
                    .map(p -> new Admission.Use(p.minIdle() * p.cpu(), p.minIdle() * p.memoryMb(), p.minIdle()))
                    .reduce(Admission.Use.NONE, Admission.Use::plus);
            Capacity has = capacityOf.apply(e.getKey());
            if (!need.within(has)) {
                String names = on.stream().map(p -> "hodei.pools." + p.name()).collect(Collectors.joining(", "));
                return names + ": the min-idle workers on provider " + e.getKey() + " need "
                        + new Capacity(need.cpu(), need.memoryMb(), need.workers()) + ", but the provider holds " + has
                        + " (lower min-idle or the pool's cpu / memory-mb, or set hodei.capacity.providers."
                        + e.getKey() + ")";
            }
        }
        return null;
    }

    public static int target(WarmPool pool, int takenWithinIdleTimeout) {
        return Math.max(pool.minIdle(), Math.min(pool.maxIdle(), pool.minIdle() + takenWithinIdleTimeout));
    }

    /** Workers to start now so that the pool reaches its target (before capacity is considered). */
    public static int missing(int target, List<Idle> idle) {
        return Math.max(0, target - idle.size());
    }

    /** Idle workers to retire: beyond the target, ready, and waiting since before {@code now - idleTimeout}. */
    public static List<UUID> toRetire(WarmPool pool, int target, List<Idle> idle, Instant now) {
        int surplus = idle.size() - Math.max(target, pool.minIdle());
        if (surplus <= 0) return List.of();
        Instant before = now.minus(pool.idleTimeout());
        return idle.stream().filter(w -> w.ready() && w.since().isBefore(before))
                .sorted(Comparator.comparing(Idle::since))
                .limit(surplus).map(Idle::workerId).toList();
    }
}
