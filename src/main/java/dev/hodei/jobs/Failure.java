package dev.hodei.jobs;

/**
 * Why an attempt failed, as the code that starts its {@code failure_reason} ("WORKER_LOST: no
 * heartbeat for 30 s"). Users and tests match on the code; the detail is for people.
 */
public enum Failure {
    /** The worker's agent did not register in time. */
    START_TIMEOUT,
    /** The agent stopped heart-beating or its stream closed. */
    WORKER_LOST,
    /** The provider could not start (or keep starting) the worker. */
    PROVISIONING_FAILED,
    /** Claimed but never handed to a provider. */
    SCHEDULING_FAILED,
    /** Not started before its queue deadline. */
    QUEUE_TIMEOUT,
    /** Ran past its run deadline. */
    TIMED_OUT,
    /** An integrator's provider policy chose a provider that does not exist. */
    PROVIDER_POLICY;

    public String because(String detail) {
        return name() + ": " + detail;
    }
}
