package dev.hodei.providers;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where ephemeral workers run. Implementations label every resource they make ({@link WorkerLaunch#labels()})
 * so that {@link #list()} finds them again after a crash.
 */
public interface WorkerProvider {

    /** The name jobs use to ask for this provider ({@code spec.provider}). */
    String name();

    /**
     * Why this provider is not offered on this server, or empty when it is (the default). A
     * withheld provider is left out of {@link Providers}: jobs cannot name it.
     */
    default Optional<String> withheld() {
        return Optional.empty();
    }

    /**
     * Starts the agent for {@code launch}. {@code recordResource} must be called with the
     * resource's id (PID, container ID, pod name) as soon as it is known, before this returns.
     *
     * @throws ProvisioningException with a reason fit for the job's failure_reason
     */
    void provision(WorkerLaunch launch, Consumer<String> recordResource) throws ProvisioningException;

    /**
     * Removes the worker's resource and everything it started, at once: by the time a worker is
     * destroyed its result is stored, so nothing is owed a graceful stop. A resource already gone
     * is success.
     */
    void destroy(ManagedResource resource) throws ProvisioningException;

    /** Every resource this control plane made that still exists. */
    List<ManagedResource> list() throws ProvisioningException;

    /**
     * What this provider can hold at once before operators' settings ({@code hodei.capacity.providers})
     * narrow it; unlimited unless the provider knows better.
     */
    default Capacity capacity() {
        return Capacity.UNLIMITED;
    }

    /**
     * Whether workers can be made now.
     *
     * @throws ProvisioningException saying why not
     */
    void checkHealth() throws ProvisioningException;
}
