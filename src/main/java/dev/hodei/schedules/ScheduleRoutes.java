package dev.hodei.schedules;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps one camel-quartz route per live schedule (route template {@code cron-schedule} in
 * {@code camel/3-schedules.yaml}), in line with the {@code schedules} table: at start-up, every
 * {@code hodei.schedules.sync-interval-ms}, and at once after a change made through this instance.
 */
@Component
public class ScheduleRoutes {

    private static final Logger log = LoggerFactory.getLogger(ScheduleRoutes.class);

    private final CamelContext camel;
    private final ScheduleStore schedules;
    private final ScheduleFiring firing;
    // schedule id -> the cron and zone its route was made with
    private final Map<UUID, String> running = new HashMap<>();

    public ScheduleRoutes(CamelContext camel, ScheduleStore schedules, ScheduleFiring firing) {
        this.camel = camel;
        this.schedules = schedules;
        this.firing = firing;
    }

    public static String routeId(UUID scheduleId) {
        return "schedule-" + scheduleId;
    }

    public synchronized void sync() {
        // the route template comes with the YAML routes: until Camel has started, the sync route will call again
        if (!camel.getStatus().isStarted()) return;
        Map<UUID, ScheduleStore.ScheduleRow> wanted = new HashMap<>();
        for (ScheduleStore.ScheduleRow s : schedules.list(null)) if (s.live()) wanted.put(s.id(), s);
        for (UUID id : List.copyOf(running.keySet())) {
            ScheduleStore.ScheduleRow s = wanted.get(id);
            if (s == null || !signature(s).equals(running.get(id))) remove(id);
        }
        for (ScheduleStore.ScheduleRow s : wanted.values()) {
            if (running.containsKey(s.id())) continue;
            try {
                add(s);
            } catch (Exception e) {
                log.error("Schedule {}: its route could not start: {}", s.name(), e.toString());
            }
        }
    }

    private void add(ScheduleStore.ScheduleRow s) throws Exception {
        CronSchedule cron = CronSchedule.parse(s.cron(), s.timeZone());
        Instant before = Instant.now(); // fires from about here on are the route's
        TemplatedRouteBuilder.builder(camel, "cron-schedule")
                .routeId(routeId(s.id()))
                .parameter("scheduleId", s.id().toString())
                .parameter("cron", cron.uriValue())
                .parameter("timeZone", cron.zone().getId())
                .add();
        running.put(s.id(), signature(s));
        log.info("Schedule {} ({} {}) active", s.name(), s.cron(), s.timeZone());
        // Quartz fires the second it starts in too (its first fire is the first after start - 1 s):
        // the catch-up stops just short of that, or both would claim the same fire time and the
        // catch-up run would lose its "missed" trigger to the regular fire
        firing.catchUp(s, before.minusMillis(999));
    }

    private void remove(UUID id) {
        try {
            camel.getRouteController().stopRoute(routeId(id));
            camel.removeRoute(routeId(id));
        } catch (Exception e) {
            log.warn("Schedule {}: its route could not be removed: {}", id, e.toString());
        }
        running.remove(id);
    }

    private static String signature(ScheduleStore.ScheduleRow s) {
        return s.cron() + "|" + s.timeZone();
    }
}
