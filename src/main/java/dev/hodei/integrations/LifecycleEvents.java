package dev.hodei.integrations;

import dev.hodei.jobs.JobRecord;
import dev.hodei.jobs.JobState;
import dev.hodei.jobs.JobTransitioned;
import dev.hodei.workers.WorkerDestroyed;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.seda.SedaEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Publishes job lifecycle events for integrators' routes (docs/integrators.md). Any number of
 * routes may consume {@value #CONSUMER_URI}; each gets every event. Publishing never blocks or
 * fails the lifecycle: with no consumer, or a consumer far behind, events are dropped.
 */
@Component
public class LifecycleEvents {

    /** The URI integrators consume. */
    public static final String CONSUMER_URI = "seda:hodei-job-events?multipleConsumers=true";
    static final String PRODUCER_URI = CONSUMER_URI + "&discardIfNoConsumers=true&discardWhenFull=true";

    private static final Logger log = LoggerFactory.getLogger(LifecycleEvents.class);

    private final ProducerTemplate camel;
    private volatile SedaEndpoint events;

    public LifecycleEvents(ProducerTemplate camel) {
        this.camel = camel;
    }

    /**
     * {@code job-submitted}, {@code job-started} or {@code job-finished}; inside a transaction (a
     * template run) once it is committed.
     */
    @TransactionalEventListener(fallbackExecution = true)
    public void jobChanged(JobTransitioned change) {
        String event = change.from() == null ? "job-submitted"
                : change.to() == JobState.RUNNING ? "job-started"
                : change.to().isTerminal() ? "job-finished" : null;
        if (event != null && consumed()) job(event, change.job());
    }

    private void job(String event, JobRecord job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event);
        body.put("jobId", job.id().toString());
        body.put("name", job.spec().getName());
        body.put("state", job.state().name());
        body.put("attempt", job.attempt());
        body.put("provider", job.provider());
        body.put("labels", job.spec().getLabelsMap());
        if (job.exitCode() != null) body.put("exitCode", job.exitCode());
        if (job.failureReason() != null) body.put("failureReason", job.failureReason());
        if (job.workerId() != null) body.put("workerId", job.workerId().toString());
        if (job.run() != null) {
            body.put("template", job.run().getTemplateName());
            body.put("runNumber", job.run().getRunNumber());
            body.put("trigger", job.run().getTrigger().name().substring("TRIGGER_".length()));
        }
        body.put("time", Instant.now().toString());
        Map<String, Object> headers = new HashMap<>();
        headers.put("hodeiEvent", event);
        headers.put("hodeiJobId", job.id().toString());
        headers.put("hodeiJobState", job.state().name());
        headers.put("hodeiProvider", job.provider());
        if (job.exitCode() != null) headers.put("hodeiExitCode", job.exitCode());
        if (job.run() != null) headers.put("hodeiTemplate", job.run().getTemplateName());
        if (job.run() != null && !job.run().getScheduleId().isEmpty()) {
            headers.put("hodeiScheduleId", job.run().getScheduleId());
        }
        publish(body, headers);
    }

    /** {@code worker-destroyed}, with the reason (immediate, gc-lost, …). */
    @TransactionalEventListener(fallbackExecution = true)
    public void workerDestroyed(WorkerDestroyed destroyed) {
        if (!consumed()) return;
        UUID workerId = destroyed.workerId();
        UUID jobId = destroyed.jobId();
        String provider = destroyed.provider();
        String reason = destroyed.reason().label();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", "worker-destroyed");
        body.put("workerId", workerId.toString());
        if (jobId != null) body.put("jobId", jobId.toString());
        body.put("provider", provider);
        body.put("resourceId", destroyed.resourceId());
        body.put("reason", reason);
        body.put("time", Instant.now().toString());
        Map<String, Object> headers = new HashMap<>();
        headers.put("hodeiEvent", "worker-destroyed");
        headers.put("hodeiWorkerId", workerId.toString());
        if (jobId != null) headers.put("hodeiJobId", jobId.toString());
        headers.put("hodeiProvider", provider);
        headers.put("hodeiDestroyReason", reason);
        publish(body, headers);
    }

    /** Whether any integrator's route consumes the events: when none does, none is even built. */
    private boolean consumed() {
        SedaEndpoint endpoint = events;
        if (endpoint == null) {
            try {
                endpoint = camel.getCamelContext().getEndpoint(PRODUCER_URI, SedaEndpoint.class);
            } catch (RuntimeException e) {
                return false; // Camel is not up yet (or any more)
            }
            events = endpoint;
        }
        // consumers may sit on another endpoint of the same queue (other options): ask the queue
        var queue = endpoint.getQueueReference();
        return queue != null && queue.hasConsumers();
    }

    private void publish(Map<String, Object> body, Map<String, Object> headers) {
        try {
            camel.sendBodyAndHeaders(PRODUCER_URI, body, headers);
        } catch (RuntimeException e) {
            log.debug("Lifecycle event not published: {}", e.toString());
        }
    }
}
