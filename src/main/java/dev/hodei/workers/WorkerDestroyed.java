package dev.hodei.workers;

import java.util.UUID;

/** Published (as a Spring application event) once a worker's resource is gone. */
public record WorkerDestroyed(UUID workerId, UUID jobId, String provider, String resourceId, DestroyReason reason) {}
