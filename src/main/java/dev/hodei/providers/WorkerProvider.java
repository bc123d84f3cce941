package dev.hodei.providers;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where ephemeral workers run. Implementations label every resource they make (design.md §5)
 * so that {@link #list()} finds them again after a crash.
 */
public interface WorkerProvider {

    /** The name jobs use to ask for this provider ({@code spec.provider}). */
    String name();

    /**
     * Starts the agent for {@code launch}. {@code recordResource} must be called with the
     * resource's id (PID, container ID, pod name) as soon as it is known, before this returns.
     *
     * @throws ProvisioningException with a reason fit for the job's failure_reason
     */
    void provision(WorkerLaunch launch, Consumer<String> recordResource) throws ProvisioningException;

    /**
     * Removes the worker's resource and everything it started. A resource already gone is success.
     *
     * @param grace how long an agent that is exiting by itself may take before it is killed
     */
    void destroy(ManagedResource resource, Duration grace) throws ProvisioningException;

    /** Every resource this control plane made that still exists. */
    List<ManagedResource> list() throws ProvisioningException;
}
