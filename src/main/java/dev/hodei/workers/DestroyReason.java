package dev.hodei.workers;

/**
 * Why a worker's resource was removed: stored in {@code workers.destroy_reason}, tagged on the
 * destroy metrics and sent to integrators. The routes name them as
 * {@code ${type:dev.hodei.workers.DestroyReason.IMMEDIATE}}.
 */
public enum DestroyReason {
    /** Its job ended: the ephemeral worker goes at once. */
    IMMEDIATE("immediate"),
    /** The provider failed to start it. */
    PROVISION_FAILED("provision-failed"),
    /** Its job no longer waited for it (cancelled, failed, or taken by another worker). */
    NOT_NEEDED("not-needed"),
    /** Its job was cancelled before it ran. */
    CANCELLED("cancelled"),
    /** The provider saw it can never start. */
    START_FAILED("start-failed"),
    /** The GC: its agent did not register within the start deadline. */
    GC_PROVISION_TIMEOUT("gc-provision-timeout"),
    /** The GC: its heartbeats stopped. */
    GC_LOST("gc-lost"),
    /** The GC: terminated but an earlier destroy failed. */
    GC_DESTROY_RETRY("gc-destroy-retry"),
    /** The GC: its job ended long ago, yet it was neither given back to its pool nor destroyed. */
    GC_JOB_OVER("gc-job-over"),
    /** The GC: a resource labelled as ours that no live worker owns. */
    GC_ORPHAN("gc-orphan"),
    /** A warm worker no job took, beyond its pool's target for longer than the pool's idle timeout. */
    POOL_IDLE("pool-idle"),
    /** A warm worker no job took when its control plane stopped cleanly (a crash leaves them to reconnect). */
    POOL_DRAINED("pool-drained");

    private final String label;

    DestroyReason(String label) {
        this.label = label;
    }

    /** As stored and tagged. */
    public String label() {
        return label;
    }

    /** Only {@link #IMMEDIATE} is the normal end; the others are counted as the GC's or a failure's. */
    public boolean immediate() {
        return this == IMMEDIATE;
    }
}
