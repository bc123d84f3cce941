package dev.hodei.schedules;

import dev.hodei.jobs.JobStore;
import dev.hodei.jobs.JobTransitioned;
import dev.hodei.routes.LifecycleRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/** A scheduled run ended: route {@code schedule-run-finished} counts its schedule's failures in a row. */
@Component
public class ScheduleRunEnds {

    private static final Logger log = LoggerFactory.getLogger(ScheduleRunEnds.class);

    private final JobStore jobs;
    private final LifecycleRoutes routes;

    public ScheduleRunEnds(JobStore jobs, LifecycleRoutes routes) {
        this.jobs = jobs;
        this.routes = routes;
    }

    @TransactionalEventListener(fallbackExecution = true)
    public void jobChanged(JobTransitioned change) {
        if (!change.to().isTerminal()) return;
        try {
            jobs.find(change.jobId()).map(j -> j.run()).filter(r -> r != null && !r.getScheduleId().isEmpty())
                    .ifPresent(r -> routes.scheduleRunFinished(r.getScheduleId()));
        } catch (RuntimeException e) {
            log.debug("Scheduled run end not published: {}", e.toString());
        }
    }
}
