package dev.hodei.jobs;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Wakes log and event followers when something changed for a job. PostgreSQL stays the source
 * of truth: a signal only says "query again", and followers re-query on a timeout anyway, so a
 * lost signal costs latency, never data.
 */
@Component
public class JobSignals {

    private final Map<UUID, long[]> versions = new ConcurrentHashMap<>();

    public long version(UUID jobId) {
        long[] v = versions.computeIfAbsent(jobId, k -> new long[1]);
        synchronized (v) {
            return v[0];
        }
    }

    public void signal(UUID jobId) {
        long[] v = versions.get(jobId);
        if (v == null) return;
        synchronized (v) {
            v[0]++;
            v.notifyAll();
        }
    }

    /** Waits until the job's version moves past {@code seen}, or the timeout passes. */
    public void awaitChange(UUID jobId, long seen, long timeoutMs) throws InterruptedException {
        long[] v = versions.computeIfAbsent(jobId, k -> new long[1]);
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (v) {
            while (v[0] == seen) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) return;
                v.wait(left);
            }
        }
    }

    public void forget(UUID jobId) {
        versions.remove(jobId);
    }
}
