package dev.hodei.pools;

import hodei.v1.JobSpec;
import java.time.Duration;

/**
 * One warm pool, its settings resolved ({@code hodei.pools.<name>}): how many workers wait idle,
 * and what each is counted for ({@code cpu}, {@code memoryMb}: the setting, else the default
 * request). {@code workerSpec} is what a worker is started with: the image and the limits as set
 * (none when unset, as for a job that asks for none).
 */
public record WarmPool(String name, String provider, String image, double cpu, long memoryMb, int minIdle, int maxIdle,
                       Duration idleTimeout, JobSpec workerSpec) {
}
