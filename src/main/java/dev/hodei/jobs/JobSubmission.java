package dev.hodei.jobs;

import dev.hodei.capacity.ProviderCapacities;
import dev.hodei.server.ClientText;
import dev.hodei.server.HodeiProperties;
import hodei.v1.JobSpec;
import io.grpc.Status;
import java.util.List;
import dev.hodei.routes.LifecycleRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Puts a validated spec in the queue with the server's defaults filled in; shared by
 * {@code SubmitJob} and template runs. {@link #wake} after the submission is committed.
 */
@Component
public class JobSubmission {

    private static final Logger log = LoggerFactory.getLogger(JobSubmission.class);

    private final JobStore jobs;
    private final JobSpecValidator validator;
    private final HodeiProperties.Jobs defaults;
    private final LifecycleRoutes routes;
    private final ProviderCapacities capacities;

    public JobSubmission(JobStore jobs, JobSpecValidator validator, HodeiProperties props, LifecycleRoutes routes,
                         ProviderCapacities capacities) {
        this.capacities = capacities;
        this.jobs = jobs;
        this.validator = validator;
        this.defaults = props.jobs();
        this.routes = routes;
    }

    /**
     * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT naming each field at fault;
     *         FAILED_PRECONDITION when the job asks more than its provider has at all
     */
    public JobStore.Submitted submit(JobSpec spec, String idempotencyKey, JobStore.Origin origin, JobStore.RunLink run) {
        JobStore.NewJob job = prepare(spec, idempotencyKey, origin);
        JobStore.Submitted s = jobs.submit(spec, idempotencyKey, origin, job.provider(), job.maxAttempts(),
                job.runTimeoutSeconds(), run, job.request());
        logged(s, run);
        return s;
    }

    /**
     * A batch, validated first one by one ({@link #prepare}), then stored in one statement: all or
     * none within the caller's transaction.
     *
     * @throws JobStore.Refused naming the index of a request whose idempotency key another request took
     */
    public List<JobStore.Submitted> submitAll(List<JobStore.NewJob> batch) {
        List<JobStore.Submitted> submitted = jobs.submitAll(batch);
        submitted.forEach(s -> logged(s, null));
        return submitted;
    }

    /**
     * The spec validated, with the server's defaults filled in and what it is counted for.
     *
     * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT naming each field at fault;
     *         FAILED_PRECONDITION when the job asks more than its provider has at all
     */
    public JobStore.NewJob prepare(JobSpec spec, String idempotencyKey, JobStore.Origin origin) {
        List<String> violations = validator.violations(spec, idempotencyKey == null ? "" : idempotencyKey);
        if (!violations.isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription(ClientText.violations(violations)).asRuntimeException();
        }
        String provider = spec.getProvider().isEmpty() ? defaults.defaultProvider() : spec.getProvider();
        int maxAttempts = spec.getMaxAttempts() == 0 ? defaults.defaultMaxAttempts() : spec.getMaxAttempts();
        long timeout = spec.getRunTimeoutSeconds() == 0 ? defaults.defaultRunTimeout().toSeconds()
                : spec.getRunTimeoutSeconds();
        capacities.checkFits(spec, provider);
        return new JobStore.NewJob(spec, idempotencyKey, origin, provider, maxAttempts, timeout,
                new JobStore.Request(capacities.cpuOf(spec), capacities.memoryMbOf(spec),
                        spec.getConcurrencyKey().isEmpty() ? null : spec.getConcurrencyKey(),
                        capacities.concurrencyLimitOf(spec)));
    }

    private static void logged(JobStore.Submitted s, JobStore.RunLink run) {
        if (!s.created()) return;
        JobRecord job = s.job();
        log.info("Job {} submitted by {} in {} ({} on {}){}", job.id(), job.submittedBy(), job.namespace(),
                JobApi.describe(job.spec()), job.provider(),
                run == null ? "" : " as run " + run.runNumber() + " of template " + run.templateName());
    }

    /** Keys the server makes for itself (a schedule's fire); a client taking one first would suppress the fire. */
    public static final String SERVER_KEY_PREFIX = "schedule:";

    /** @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT for a key with the server's prefix */
    public static void checkClientKey(String idempotencyKey) {
        // before any lookup by it (a template's run looks it up under the template's lock)
        if (idempotencyKey != null && idempotencyKey.length() > JobSpecValidator.MAX_IDEMPOTENCY_KEY) {
            throw Status.INVALID_ARGUMENT.withDescription("idempotency_key: longer than "
                    + JobSpecValidator.MAX_IDEMPOTENCY_KEY + " characters").asRuntimeException();
        }
        if (idempotencyKey != null && idempotencyKey.startsWith(SERVER_KEY_PREFIX)) {
            throw Status.INVALID_ARGUMENT.withDescription("idempotency_key: the prefix '" + SERVER_KEY_PREFIX
                    + "' is reserved for the server's own runs").asRuntimeException();
        }
    }

    /**
     * The claimer does not wait for its next tick; with {@code cancel_in_progress}, the
     * namespace's unfinished jobs of the same concurrency key are cancelled first.
     */
    public void wake(JobStore.Submitted s) {
        wake(List.of(s));
    }

    /** As {@link #wake(JobStore.Submitted)} for a batch: one wake of the claimer for all of them. */
    public void wake(List<JobStore.Submitted> batch) {
        JobRecord last = null;
        for (JobStore.Submitted s : batch) {
            if (!s.created()) continue;
            JobRecord job = s.job();
            if (job.spec().getCancelInProgress()) {
                for (java.util.UUID older : jobs.unfinishedWithKey(job.namespace(), job.spec().getConcurrencyKey(), job.id())) {
                    routes.cancelJob(older, "superseded by job " + job.id() + " (cancel in progress)", job.submittedBy());
                }
            }
            last = job;
        }
        if (last != null) routes.jobSubmitted(last.id());
    }
}
