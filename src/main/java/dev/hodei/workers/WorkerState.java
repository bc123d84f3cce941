package dev.hodei.workers;

/** A worker's state as stored in {@code workers.state}; design.md §4. */
public enum WorkerState {
    PROVISIONING, READY, BUSY, TERMINATED
}
