package dev.hodei.lifecycle;

import dev.hodei.jobs.AttemptFailure;
import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobState;
import dev.hodei.jobs.JobStore;
import dev.hodei.jobs.JobTransitions;
import dev.hodei.secrets.SecretCipher;
import dev.hodei.workers.WorkerGateway;
import dev.hodei.workers.WorkerRecord;
import dev.hodei.workers.WorkerStore;
import hodei.v1.RunJob;
import hodei.v1.ServerMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Route {@code dispatch-job}: hands a job to the worker whose agent just registered. */
@Component
public class JobDispatch {

    /** What became of the hand-over; NOT_WAITING and SECRETS_UNAVAILABLE leave the worker to be destroyed. */
    public enum Dispatch {
        SENT,
        /** The job no longer waits for this worker (cancelled, timed out, another attempt). */
        NOT_WAITING,
        /** The job's secrets cannot be opened: it FAILED with that reason. */
        SECRETS_UNAVAILABLE,
        /** The job is RUNNING on this worker, but its stream closed before the job reached it: its agent may resume. */
        STREAM_CLOSED
    }

    // Shorter values ("1", "yes") would mask ordinary output and reveal little if shown.
    private static final int MIN_REDACTED = 3;

    private final JobStore jobs;
    private final JobTransitions transitions;
    private final WorkerStore workers;
    private final WorkerGateway gateway;
    private final MeterRegistry meters;
    private final SecretCipher cipher;

    public JobDispatch(JobStore jobs, JobTransitions transitions, WorkerStore workers, WorkerGateway gateway,
                       MeterRegistry meters, SecretCipher cipher) {
        this.jobs = jobs;
        this.transitions = transitions;
        this.workers = workers;
        this.gateway = gateway;
        this.meters = meters;
        this.cipher = cipher;
    }

    /** Whether the job's current attempt still waits (PROVISIONING) for this worker to take it. */
    public boolean awaitsDispatch(UUID workerId, UUID jobId) {
        return waitingFor(workerId, jobId) != null;
    }

    /** The job, when its current attempt still waits (PROVISIONING) for this worker to take it; null otherwise. */
    JobRecord waitingFor(UUID workerId, UUID jobId) {
        JobRecord job = jobs.find(jobId).orElse(null);
        Integer attempt = workers.find(workerId).map(WorkerRecord::jobAttempt).orElse(null);
        return job != null && job.state() == JobState.PROVISIONING && attempt != null && attempt == job.attempt()
                ? job : null;
    }

    /**
     * {@code handedOver}: the job as a hand-over just left it (PROVISIONING, bound to this worker,
     * which stays BUSY), when this dispatch follows one in the same exchange; null otherwise. Then
     * neither is read again: a cancel meanwhile still loses the race at {@code start}, which is
     * guarded by state and attempt.
     */
    public Dispatch dispatch(UUID workerId, UUID jobId, JobRecord handedOver) {
        boolean fresh = handedOver != null && handedOver.id().equals(jobId);
        JobRecord job = fresh ? handedOver : waitingFor(workerId, jobId);
        if (job == null) return Dispatch.NOT_WAITING;
        int attempt = job.attempt();
        Map<String, String> secrets;
        try {
            secrets = cipher.open(job.secretEnv(), SecretCipher.forJob(jobId));
        } catch (SecretCipher.SecretUnavailable e) {
            transitions.fail(new AttemptFailure(jobId, attempt, e.getMessage()));
            return Dispatch.SECRETS_UNAVAILABLE;
        }
        // RUNNING and the RunJob on the stream as one step for the worker: a cancel decided once the
        // job is RUNNING is written after the RunJob, never before (the agent would not know the job)
        Dispatch handed = gateway.exclusively(workerId, () -> {
            if (!transitions.start(jobId, attempt, workerId)) return Dispatch.NOT_WAITING;
            if (!fresh) workers.markBusy(workerId);
            return gateway.send(workerId, runJob(job, attempt, secrets)) ? Dispatch.SENT : Dispatch.STREAM_CLOSED;
        });
        if (handed != Dispatch.SENT) return handed;
        startLatency(job);
        return Dispatch.SENT;
    }

    /**
     * Route {@code worker-resumed}: the agent of a RUNNING job came back on its session, here. The
     * job is written to it again: an agent that has it ignores the repeat; one whose RunJob was
     * lost with its old stream (a replica died between RUNNING and the write) runs it now.
     */
    public boolean redeliver(UUID workerId, UUID jobId) {
        JobRecord job = jobs.find(jobId).orElse(null);
        Integer attempt = workers.find(workerId).map(WorkerRecord::jobAttempt).orElse(null);
        if (job == null || job.state() != JobState.RUNNING || !workerId.equals(job.workerId()) || attempt == null
                || attempt != job.attempt()) {
            return false;
        }
        Map<String, String> secrets;
        try {
            secrets = cipher.open(job.secretEnv(), SecretCipher.forJob(jobId));
        } catch (SecretCipher.SecretUnavailable e) {
            return false; // it was opened for the first hand-over; an agent without it is reaped as lost
        }
        return gateway.exclusively(workerId, () -> gateway.send(workerId, runJob(job, attempt, secrets)));
    }

    private static ServerMessage runJob(JobRecord job, int attempt, Map<String, String> secrets) {
        return ServerMessage.newBuilder().setRunJob(RunJob.newBuilder()
                .setJobId(job.id().toString())
                .setAttempt(attempt)
                // secrets join the env only on the way to the agent, which masks them in the output
                .setSpec(job.spec().toBuilder().putAllEnv(secrets))
                .addAllRedact(secrets.values().stream().filter(v -> v.length() >= MIN_REDACTED).distinct().toList())
                .setRunTimeoutSeconds(job.runTimeoutSeconds())).build();
    }

    private void startLatency(JobRecord job) {
        Timer.builder("hodei_job_start_latency_seconds")
                .description("From submission to the job being handed to its worker")
                .publishPercentileHistogram()
                .register(meters).record(Duration.between(job.createdAt(), Instant.now()));
    }
}
