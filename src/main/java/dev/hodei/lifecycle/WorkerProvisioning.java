package dev.hodei.lifecycle;

import dev.hodei.capacity.ProviderCapacities;
import dev.hodei.jobs.Failure;
import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobTransitions;
import dev.hodei.pools.WarmPools;
import dev.hodei.providers.ManagedResource;
import dev.hodei.providers.ProvisioningException;
import dev.hodei.providers.Providers;
import dev.hodei.providers.WorkerLaunch;
import dev.hodei.server.ControlPlaneIdentity;
import dev.hodei.server.UnaryResponse;
import dev.hodei.workers.BootstrapTokens;
import dev.hodei.workers.WorkerDestruction;
import dev.hodei.workers.WorkerGateway;
import dev.hodei.workers.WorkerRecord;
import dev.hodei.workers.WorkerState;
import dev.hodei.workers.WorkerStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** The steps of route {@code provision-worker}: prepare a worker and its token, launch it, or give up. */
@Component
public class WorkerProvisioning {

    private static final Logger log = LoggerFactory.getLogger(WorkerProvisioning.class);

    private final JobTransitions transitions;
    private final WorkerStore workers;
    private final BootstrapTokens tokens;
    private final Providers providers;
    private final ControlPlaneIdentity identity;
    private final MeterRegistry meters;

    private final WarmPools pools;
    private final ProviderCapacities capacities;
    private final WorkerGateway gateway;
    private final TransactionTemplate tx;
    private final WorkerDestruction destruction;

    public WorkerProvisioning(JobTransitions transitions, WorkerStore workers, BootstrapTokens tokens, Providers providers,
                              ControlPlaneIdentity identity, MeterRegistry meters, WarmPools pools,
                              ProviderCapacities capacities, WorkerGateway gateway, TransactionTemplate tx, WorkerDestruction destruction) {
        this.destruction = destruction;
        this.pools = pools;
        this.capacities = capacities;
        this.gateway = gateway;
        this.tx = tx;
        this.transitions = transitions;
        this.workers = workers;
        this.tokens = tokens;
        this.providers = providers;
        this.identity = identity;
        this.meters = meters;
    }

    /**
     * Binds a READY warm worker that fits the job to its attempt (ASSIGNED → PROVISIONING, no
     * provider call); null when there is none, or the job no longer waits for a worker.
     */
    public UUID takeWarm(JobRecord job, String provider) {
        if (pools.all().isEmpty()) return null;
        double cpu = capacities.cpuOf(job.spec());
        long memory = capacities.memoryMbOf(job.spec());
        return tx.execute(status -> {
            WorkerStore.Taken worker = workers.take(job.id(), job.attempt(), job.namespace(), provider,
                    job.spec().getImage(), cpu, memory, gateway.connected()).orElse(null);
            if (worker == null) return null;
            if (!transitions.takeWarmWorker(job, worker.id(), worker.pool(), worker.cpu(), worker.memoryMb())) {
                status.setRollbackOnly(); // the worker stays in its pool
                return null;
            }
            return worker.id();
        });
    }

    /** Creates the worker row and its one-time token; null when the job no longer waits for a worker. */
    public WorkerLaunch prepare(JobRecord job, String provider) {
        UUID workerId = UUID.randomUUID();
        if (!transitions.startProvisioning(job, workerId, provider)) return null;
        workers.insertProvisioning(workerId, provider, job.id(), job.attempt());
        String otp = tokens.issue(workerId, job.id());
        return new WorkerLaunch(workerId, job.id(), job.attempt(), job.spec(), job.runTimeoutSeconds(), otp, identity.instanceId(), Instant.now());
    }

    public void launch(WorkerLaunch launch, String provider) throws ProvisioningException {
        Timer.Sample sample = Timer.start(meters);
        String[] started = new String[1];
        providers.get(provider).provision(launch, resourceId -> {
            workers.recordResource(launch.workerId(), resourceId);
            started[0] = resourceId;
        });
        // Ended while it was being started (its job cancelled, its pool drained at a stop): whoever
        // ended it found no resource to destroy yet, so it is destroyed here, not left to the GC.
        WorkerRecord now = workers.find(launch.workerId()).orElse(null);
        if (started[0] != null && (now == null || now.state() == WorkerState.TERMINATED)) {
            destruction.destroyOrphan(provider, new ManagedResource(started[0], launch.workerId()));
        }
        sample.stop(Timer.builder("hodei_worker_provisioning_seconds")
                .description("Time a provider takes to start a worker")
                .tag("provider", provider).register(meters));
    }

    /**
     * The provider failed: the worker is finished. Returns the reason, with which the route fails
     * the job's attempt once whatever the provider did start has been destroyed.
     */
    public String failed(WorkerLaunch launch, Exception cause) {
        String reason = Failure.PROVISIONING_FAILED.because(readable(cause, "Provisioning " + launch + " failed"));
        log.warn("Provisioning {} failed: {}", launch, reason);
        workers.markTerminated(launch.workerId(), reason);
        return reason;
    }

    /**
     * What the job's users may read of a failed start: the provider's (or a refusal's) own words; anything else (the
     * database failing under the provider's callback, a bug) only as a reference to the server's
     * log, as its message may quote SQL and row values.
     */
    static String readable(Exception cause, String what) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof DataAccessException || t instanceof SQLException) {
                return UnaryResponse.loggedUnderReference(what, cause);
            }
        }
        // a provider's refusal, or the server's own (an unknown provider: Providers.get), in their words
        if (!(cause instanceof ProvisioningException || cause instanceof IllegalArgumentException)) {
            return UnaryResponse.loggedUnderReference(what, cause);
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
