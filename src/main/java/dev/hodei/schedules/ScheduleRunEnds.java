package dev.hodei.schedules;

import hodei.v1.TemplateRun;
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

    private final LifecycleRoutes routes;

    public ScheduleRunEnds(LifecycleRoutes routes) {
        this.routes = routes;
    }

    @TransactionalEventListener(fallbackExecution = true)
    public void jobChanged(JobTransitioned change) {
        if (!change.to().isTerminal()) return;
        TemplateRun run = change.job().run();
        if (run == null || run.getScheduleId().isEmpty()) return;
        try {
            routes.scheduleRunFinished(run.getScheduleId());
        } catch (RuntimeException e) {
            log.debug("Scheduled run end not published: {}", e.toString());
        }
    }
}
