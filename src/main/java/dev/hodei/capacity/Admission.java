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
 *
 * <p>An idle warm worker holds its share of its provider's capacity (a pool is capacity set aside);
 * a job that fits one takes that share instead of asking for more. A provider may also limit how
 * many workers start at once ({@link Capacity#starting()}): a job that would start one more waits,
 * a job that takes a warm worker starts none.
 */
public final class Admission {

    /** What one waiting job asks of its provider; {@code concurrencyKey} null when it names none. */
    public record Request(UUID jobId, String provider, double cpu, long memoryMb, String concurrencyKey,
                          int concurrencyLimit, String image, String namespace) {}

    /**
     * An idle warm worker: what it was started with, and the only namespace it serves (null: any).
     * A job fits it when it asks for no more and names the same image ({@code ""}: the provider's default).
     */
    public record WarmSlot(String provider, String image, double cpu, long memoryMb, String namespace) {
        public boolean fits(Request r) {
            return provider.equals(r.provider()) && image.equals(r.image()) && r.cpu() <= cpu + 1e-9
                    && r.memoryMb() <= memoryMb && (namespace == null || namespace.equals(r.namespace()));
        }
    }

    /** What a provider's admitted jobs hold now; {@code starting}: how many of their workers are still starting. */
    public record Use(double cpu, long memoryMb, int workers, int starting) {
        public static final Use NONE = new Use(0, 0, 0, 0);

        /** None of them starting. */
        public Use(double cpu, long memoryMb, int workers) {
            this(cpu, memoryMb, workers, 0);
        }

        /** With {@code r} admitted: starting a worker of its own, or taking a warm one. */
        Use plus(Request r, boolean startsWorker) {
            return new Use(cpu + r.cpu(), memoryMb + r.memoryMb(), workers + 1, starting + (startsWorker ? 1 : 0));
        }

        /** With one more worker of this size. */
        public Use plus(double cpu, long memoryMb) {
            return new Use(this.cpu + cpu, this.memoryMb + memoryMb, workers + 1, starting);
        }

        public Use plus(Use other) {
            return new Use(cpu + other.cpu, memoryMb + other.memoryMb, workers + other.workers, starting + other.starting);
        }

        public boolean within(Capacity c) {
            // a little slack: sums of fractional cores must not refuse an exact fit
            return cpu <= c.cpu() + 1e-9 && memoryMb <= c.memoryMb() && workers <= c.workers()
                    && starting <= c.starting();
        }
    }

    private Admission() {}

    /**
     * The jobs of {@code queue} (in queue order per provider) to admit, in the same order.
     * {@code jobsInUse}: what admitted jobs hold; {@code warmInUse}: what idle warm workers hold;
     * {@code keysInUse}: admitted jobs per concurrency key; {@code warm}: the idle warm workers a job
     * could take now. A job that fits one of those is counted against what jobs hold only (it takes
     * that worker's share); any other job against what jobs and idle warm workers hold together. So
     * admitted jobs never hold more than the capacity, and workers alive exceed it by at most the
     * idle warm ones (a fitting job that finds its warm worker taken by another starts its own).
     * Starts are counted with each warm worker taken once: a job finding none left starts one.
     */
    public static List<UUID> admit(List<Request> queue, Map<String, Use> jobsInUse, Map<String, Use> warmInUse,
                                   Map<String, Integer> keysInUse, Function<String, Capacity> capacity,
                                   List<WarmSlot> warm) {
        Map<String, Use> use = new HashMap<>(jobsInUse);
        Map<String, Integer> keys = new HashMap<>(keysInUse);
        Set<String> full = new HashSet<>();
        Set<String> fullKeys = new HashSet<>();
        List<UUID> admitted = new ArrayList<>();
        List<WarmSlot> untaken = new ArrayList<>(warm); // for counting starts, each taken once
        for (Request r : queue) {
            if (full.contains(r.provider())) continue;
            String key = r.concurrencyKey();
            if (key != null && (fullKeys.contains(key) || keys.getOrDefault(key, 0) >= r.concurrencyLimit())) {
                fullKeys.add(key); // its later jobs wait behind it, in order
                continue;
            }
            boolean takesWarm = warm.stream().anyMatch(w -> w.fits(r));
            WarmSlot slot = untaken.stream().filter(w -> w.fits(r)).findFirst().orElse(null);
            Use next = use.getOrDefault(r.provider(), Use.NONE).plus(r, slot == null);
            Use counted = takesWarm ? next : next.plus(warmInUse.getOrDefault(r.provider(), Use.NONE));
            if (counted.within(capacity.apply(r.provider()))) {
                untaken.remove(slot);
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
