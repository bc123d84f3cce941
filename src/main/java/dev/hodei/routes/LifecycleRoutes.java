package dev.hodei.routes;

import hodei.v1.JobResult;
import hodei.v1.LogBatch;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * The entry points of our own routes ({@code src/main/resources/camel}), typed: the API, the
 * agents' streams and the providers reach the lifecycle only through here. Synchronous where the
 * caller must know the step is done (a stored result, a cancel the answer reports), asynchronous
 * where it only wakes a route.
 */
@Component
public class LifecycleRoutes {

    private final ProducerTemplate camel;

    public LifecycleRoutes(ProducerTemplate camel) {
        this.camel = camel;
    }

    /**
     * Route {@code job-submitted}: the claimer does not wait for its next tick. Asynchronous so that
     * a wake never fails the submission: gRPC answers before the routes start, and a job stored then
     * is claimed by the first tick (sent synchronously, such a SubmitJob failed with INTERNAL:
     * ContainerDeploymentIT).
     */
    public void jobSubmitted(UUID jobId) {
        camel.asyncRequestBodyAndHeader("direct:job-submitted", null, "jobId", jobId);
    }

    /** Route {@code cancel-job}; returns once the cancel is recorded (and, for a running job, sent). */
    public void cancelJob(UUID jobId, String reason, String principal) {
        Map<String, Object> headers = new java.util.HashMap<>();
        headers.put("jobId", jobId);
        headers.put("principal", principal); // null: the system's own
        camel.sendBodyAndHeaders("direct:cancel-job", reason, headers);
    }

    /** Route {@code dispatch-job}: an agent registered for the first time. */
    public void workerRegistered(UUID workerId, UUID jobId) {
        camel.asyncRequestBodyAndHeaders("direct:worker-registered", null, Map.of("workerId", workerId, "jobId", jobId));
    }

    /** Route {@code worker-resumed}; returns once what the agent may have missed is written to it. */
    public void workerResumed(UUID workerId, UUID jobId) {
        camel.sendBodyAndHeaders("direct:worker-resumed", null, Map.of("workerId", workerId, "jobId", jobId));
    }

    /** Route {@code job-logs}; returns once the batch is stored. */
    public void jobLogs(UUID workerId, LogBatch batch) {
        camel.sendBodyAndHeaders("direct:job-logs", batch, Map.of("workerId", workerId));
    }

    /** Route {@code job-completed}; returns once the result is recorded and acknowledged. */
    public void jobResult(UUID workerId, JobResult result) {
        camel.sendBodyAndHeaders("direct:job-result", result, Map.of("workerId", workerId));
    }

    /** Route {@code worker-start-failed}: a provider saw that a worker can never start. */
    public void workerStartFailed(UUID workerId, String failure) {
        camel.asyncRequestBodyAndHeaders("direct:worker-start-failed", null, Map.of("workerId", workerId, "failure", failure));
    }

    /** Route {@code sync-schedules-now}: schedules changed through this control plane. */
    public void syncSchedules() {
        camel.asyncSend("direct:sync-schedules", e -> {});
    }

    /**
     * Route {@code schedule-run-finished}, through its own queue. Dropped when full: the schedule
     * checks its failures before each fire anyway.
     */
    public void scheduleRunFinished(String scheduleId) {
        camel.sendBody("seda:hodei-schedule-runs?discardWhenFull=true", scheduleId);
    }
}
