package dev.hodei.jobs;

import dev.hodei.integrations.LifecycleEvents;
import dev.hodei.agentapi.WorkerGateway;
import dev.hodei.secrets.SecretCipher;
import dev.hodei.server.HodeiProperties;
import dev.hodei.workers.WorkerStore;
import hodei.v1.RunJob;
import hodei.v1.ServerMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Route {@code dispatch-job}: hands a job to the worker whose agent just registered. */
@Component
public class JobDispatch {

    // Shorter values ("1", "yes") would mask ordinary output and reveal little if shown.
    private static final int MIN_REDACTED = 3;

    private final JobStore jobs;
    private final WorkerStore workers;
    private final WorkerGateway gateway;
    private final MeterRegistry meters;
    private final Duration retryBackoff;
    private final LifecycleEvents events;
    private final Duration retryBackoffCap;
    private final SecretCipher cipher;

    public JobDispatch(JobStore jobs, WorkerStore workers, WorkerGateway gateway, MeterRegistry meters,
                       HodeiProperties props, LifecycleEvents events, SecretCipher cipher) {
        this.cipher = cipher;
        this.events = events;
        this.retryBackoff = props.jobs().retryBackoff();
        this.retryBackoffCap = props.jobs().retryBackoffCap();
        this.jobs = jobs;
        this.workers = workers;
        this.gateway = gateway;
        this.meters = meters;
    }

    /** Returns false when the job no longer waits for this worker (cancelled, timed out): destroy it. */
    public boolean dispatch(UUID workerId, UUID jobId) {
        JobRecord job = jobs.find(jobId).orElse(null);
        if (job == null || job.state() != JobState.PROVISIONING) return false;
        Map<String, String> secrets;
        try {
            secrets = cipher.open(job.secretEnv(), SecretCipher.forJob(jobId));
        } catch (SecretCipher.SecretUnavailable e) {
            jobs.transition(jobId, Set.of(JobState.PROVISIONING), JobState.FAILED, e.getMessage(), job.attempt(),
                    "failure_reason = :why, finished_at = now()", Map.of("why", e.getMessage()));
            return false;
        }
        if (jobs.transition(jobId, Set.of(JobState.PROVISIONING), JobState.RUNNING, "dispatched to worker " + workerId,
                job.attempt(), "worker_id = :worker, started_at = now()", Map.of("worker", workerId)).isEmpty()) {
            return false;
        }
        workers.markBusy(workerId);
        boolean sent = gateway.send(workerId, ServerMessage.newBuilder().setRunJob(RunJob.newBuilder()
                .setJobId(jobId.toString())
                .setAttempt(job.attempt())
                // secrets join the env only on the way to the agent, which masks them in the output
                .setSpec(job.spec().toBuilder().putAllEnv(secrets))
                .addAllRedact(secrets.values().stream().filter(v -> v.length() >= MIN_REDACTED).distinct().toList())
                .setRunTimeoutSeconds(job.runTimeoutSeconds())).build());
        if (!sent) {
            jobs.failAttempt(jobId, job.attempt(), Set.of(JobState.RUNNING),
                    "WORKER_LOST: the agent's stream closed before the job reached it", retryBackoff, retryBackoffCap);
            return false;
        }
        jobs.find(jobId).ifPresent(started -> events.job("job-started", started));
        Timer.builder("hodei_job_start_latency_seconds")
                .description("From submission to the job being handed to its worker")
                .publishPercentileHistogram()
                .register(meters).record(Duration.between(job.createdAt(), Instant.now()));
        return true;
    }
}
