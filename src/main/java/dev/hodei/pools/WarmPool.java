package dev.hodei.pools;

import hodei.v1.JobSpec;
import java.time.Duration;
import java.time.Instant;

/**
 * One warm pool, its settings resolved ({@code hodei.pools.<name>}): how many workers wait idle,
 * and what each is counted for ({@code cpu}, {@code memoryMb}: the setting, else the default
 * request). {@code workerSpec} is what a worker is started with: the image and the limits as set
 * (none when unset, as for a job that asks for none). {@code namespace}: the only namespace whose
 * jobs take its workers, null for any; {@code reuseJobs}, {@code reuseFor}: how many jobs, and for
 * how long, one of its workers runs (1: ephemeral).
 */
public record WarmPool(String name, String provider, String image, double cpu, long memoryMb, int minIdle, int maxIdle,
                       Duration idleTimeout, JobSpec workerSpec, String namespace, int reuseJobs, Duration reuseFor) {

    /** Its workers run several jobs in turn; otherwise each runs one, as every worker does. */
    public boolean reusable() {
        return reuseJobs > 1;
    }

    /** Whether one of its workers, started at {@code started} and given {@code jobsTaken} jobs, takes another. */
    public boolean runsAnother(int jobsTaken, Instant started, Instant now) {
        return reusable() && jobsTaken < reuseJobs && now.isBefore(started.plus(reuseFor));
    }
}
