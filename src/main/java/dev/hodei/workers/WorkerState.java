package dev.hodei.workers;

/** A worker's state as stored in {@code workers.state}. */
public enum WorkerState {
    PROVISIONING, READY, BUSY, TERMINATED
}
