package dev.hodei.providers;

import hodei.v1.JobSpec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What a provider needs to start one agent. Holds the clear OTP, so it is never persisted or
 * logged. A warm worker ({@link #warm()}) is started before any job: {@code jobId} is null,
 * {@code attempt} and {@code runTimeoutSeconds} 0, and {@code spec} holds only the image and limits
 * it starts with; {@code reusable} when its pool lets it run several jobs in turn.
 */
public record WorkerLaunch(UUID workerId, UUID jobId, int attempt, JobSpec spec, long runTimeoutSeconds, String otp,
                           String instanceId, Instant createdAt, boolean reusable) {

    public WorkerLaunch(UUID workerId, UUID jobId, int attempt, JobSpec spec, long runTimeoutSeconds, String otp,
                        String instanceId, Instant createdAt) {
        this(workerId, jobId, attempt, spec, runTimeoutSeconds, otp, instanceId, createdAt, false);
    }

    /**
     * The agent's environment (docs/configuration.md, "Agent"); the address is the provider's to
     * advertise. Never the OTP: each provider hands that over out of band (stdin, a 0400 file).
     */
    public Map<String, String> agentEnvironment(String serverAddress) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HODEI_SERVER_ADDRESS", serverAddress);
        env.put("HODEI_WORKER_ID", workerId.toString());
        if (jobId != null) env.put("HODEI_JOB_ID", jobId.toString());
        // pooled: the agent runs the jobs it is given in turn, each in a fresh workspace, until told to stop
        env.put("HODEI_WORKER_MODE", reusable ? "pooled" : "ephemeral");
        return env;
    }

    /** The labels every provider resource carries; the GC finds its resources by them. */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("hodei.managed", "true");
        labels.put("hodei.worker-id", workerId.toString());
        if (jobId != null) labels.put("hodei.job-id", jobId.toString());
        labels.put("hodei.instance", instanceId);
        labels.put("hodei.created-at", createdAt.toString());
        return labels;
    }

    public boolean warm() {
        return jobId == null;
    }

    @Override
    public String toString() {
        return warm() ? "WorkerLaunch[warm worker=" + workerId + "]"
                : "WorkerLaunch[worker=" + workerId + ", job=" + jobId + ", attempt=" + attempt + "]";
    }
}
