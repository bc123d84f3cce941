package dev.hodei.jobs;

import dev.hodei.cluster.DatabaseNotifications;
import dev.hodei.cluster.Replicas;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Wakes log and event followers when something changed for a job. PostgreSQL stays the source
 * of truth: a signal only says "query again", and followers re-query on a timeout anyway, so a
 * lost signal costs latency, never data. A job is tracked only while someone follows it. With
 * several replicas, signals also cross to the others (NOTIFY {@value #CHANNEL}).
 */
@Component
public class JobSignals {

    private static final class Entry {
        int followers; // changed only inside ConcurrentHashMap.compute
        long version;  // guarded by the entry's monitor
    }

    static final String CHANNEL = "hodei_job_changes";

    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
    private final DatabaseNotifications notifications;
    private final Replicas replicas;

    /** With both null: this replica alone (unit tests). */
    public JobSignals(DatabaseNotifications notifications, Replicas replicas) {
        this.notifications = notifications;
        this.replicas = replicas;
        // followers on this replica of jobs whose agents are connected to another
        if (notifications != null) notifications.listen(CHANNEL, this::signalledElsewhere);
    }

    private void signalledElsewhere(String jobId) {
        if (jobId == null) {
            entries.keySet().forEach(this::wake);
            return;
        }
        try {
            wake(UUID.fromString(jobId));
        } catch (IllegalArgumentException ignored) {
            // not ours
        }
    }

    /** A follower's view of one job's changes; close it when the follower ends. */
    public final class Subscription implements AutoCloseable {
        private final UUID jobId;
        private final Entry entry;

        private Subscription(UUID jobId, Entry entry) {
            this.jobId = jobId;
            this.entry = entry;
        }

        public long version() {
            synchronized (entry) {
                return entry.version;
            }
        }

        /** Waits until the job changes after {@code seen}, or the timeout passes. */
        public void awaitChange(long seen, long timeoutMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            synchronized (entry) {
                while (entry.version == seen) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) return;
                    entry.wait(left);
                }
            }
        }

        @Override
        public void close() {
            entries.computeIfPresent(jobId, (k, e) -> --e.followers == 0 ? null : e);
        }
    }

    public Subscription subscribe(UUID jobId) {
        Entry entry = entries.compute(jobId, (k, e) -> {
            Entry x = e == null ? new Entry() : e;
            x.followers++;
            return x;
        });
        return new Subscription(jobId, entry);
    }

    @EventListener
    public void changed(JobTransitioned change) {
        signal(change.jobId());
    }

    /** Wakes the job's followers here and, when other replicas live, theirs. */
    public void signal(UUID jobId) {
        wake(jobId);
        if (replicas != null && replicas.othersKnownLive()) {
            try {
                notifications.notify(CHANNEL, jobId.toString());
            } catch (RuntimeException e) {
                // a follower elsewhere re-queries on its timeout anyway
            }
        }
    }

    private void wake(UUID jobId) {
        Entry e = entries.get(jobId);
        if (e == null) return;
        synchronized (e) {
            e.version++;
            e.notifyAll();
        }
    }

    /** Jobs currently followed (for tests and diagnostics). */
    int followed() {
        return entries.size();
    }
}
