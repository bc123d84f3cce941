package dev.hodei.schedules;

import dev.hodei.jobs.JobStore;
import dev.hodei.secrets.SecretCipher;
import dev.hodei.templates.TemplateRuns;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What a schedule does when it fires (route {@code schedule-fired}), when its route starts after
 * no control plane ran for a while (the misfire policy), and after each of its runs finishes
 * (pause after consecutive failures). A fire's run is keyed by schedule and fire time, so every
 * control plane may fire the same schedule: the first creates the run, the others find it.
 */
@Component
public class ScheduleFiring {

    private static final Logger log = LoggerFactory.getLogger(ScheduleFiring.class);

    private final ScheduleStore schedules;
    private final TemplateRuns runs;
    private final SecretCipher cipher;
    private final MeterRegistry meters;

    public ScheduleFiring(ScheduleStore schedules, TemplateRuns runs, SecretCipher cipher, MeterRegistry meters) {
        this.schedules = schedules;
        this.runs = runs;
        this.cipher = cipher;
        this.meters = meters;
    }

    /** A cron fire: one run for this schedule and fire time, however many control planes fire it. */
    public void fired(String scheduleId, Date scheduledFireTime) {
        ScheduleStore.ScheduleRow s = schedules.find(scheduleId).orElse(null);
        if (s == null || !s.live()) return; // deleted or paused meanwhile; its route is on its way out
        // also here, not only when a run finishes: that event may have been lost with its server
        if (s.pauseAfterFailures() > 0 && pauseIfFailing(s)) return;
        fire(s, scheduledFireTime.toInstant(), "schedule " + s.name());
    }

    /** "Run now": a run outside the cron, keyed by nothing (each call is a run). */
    public JobStore.Submitted runNow(ScheduleStore.ScheduleRow s) {
        return runs.run(s.templateId(), parameters(s), secretNames(s), s.secretsVersion(), new TemplateRuns.Trigger("SCHEDULE",
                "schedule " + s.name() + " (run now)", s.id(), null, s.createdBy()), null);
    }

    /**
     * Applies the misfire policy to the fires no control plane handled since the last one (the
     * route of {@code s} just started): "fire-once" creates one run for the latest missed fire,
     * "skip" records that they were skipped.
     */
    public void catchUp(ScheduleStore.ScheduleRow s, Instant now) {
        CronSchedule cron = CronSchedule.parse(s.cron(), s.timeZone());
        CronSchedule.Missed missed = cron.missed(s.lastFireAt(), now);
        if (missed.count() == 0) return;
        meters.counter("hodei_schedule_missed_fires_total", "policy", s.misfirePolicy()).increment(missed.count());
        String gap = missed.count() + " fire(s) missed between " + missed.first() + " and " + missed.last();
        if (s.misfirePolicy().equals("skip")) {
            log.info("Schedule {}: {} skipped (misfire policy skip)", s.name(), gap);
            meters.counter("hodei_schedule_fires_total", "outcome", "skipped").increment(missed.count());
            schedules.markFired(s.id(), missed.last(), "skipped " + gap + " (misfire policy skip)");
        } else {
            log.info("Schedule {}: {}; one catch-up run (misfire policy fire-once)", s.name(), gap);
            fire(s, missed.last(), "schedule " + s.name() + " (catch-up for " + gap + ")");
        }
    }

    /** A run of a schedule finished: pause the schedule after too many failures in a row. */
    public void runFinished(String scheduleId) {
        schedules.find(scheduleId).ifPresent(this::pauseIfFailing);
    }

    /** Records the failures in a row; pauses the schedule when they reach its limit (returns true then). */
    private boolean pauseIfFailing(ScheduleStore.ScheduleRow s) {
        int limit = s.pauseAfterFailures();
        List<String> recent = schedules.recentRunStates(s.id(), Math.max(limit, 1) + 1);
        int failures = 0;
        for (String state : recent) {
            if (state.equals("SUCCEEDED")) break;
            failures++;
        }
        schedules.setConsecutiveFailures(s.id(), failures);
        if (limit > 0 && failures >= limit && s.enabled()) {
            String reason = "paused after " + failures + " consecutive failed runs";
            log.warn("Schedule {}: {}", s.name(), reason);
            schedules.setEnabled(s.id(), false, reason);
            return true;
        }
        return false;
    }

    private void fire(ScheduleStore.ScheduleRow s, Instant fireTime, String triggeredBy) {
        String key = dev.hodei.jobs.JobSubmission.SERVER_KEY_PREFIX + s.id() + ":" + fireTime.getEpochSecond();
        String outcome;
        String reason = null;
        try {
            JobStore.Submitted run = runs.run(s.templateId(), parameters(s), secretNames(s), s.secretsVersion(),
                    new TemplateRuns.Trigger("SCHEDULE", triggeredBy, s.id(), fireTime, s.createdBy()), key);
            outcome = run.created() ? "created" : "duplicate";
            if (run.created()) {
                log.info("Schedule {} fired for {}: run {} (job {})", s.name(), fireTime,
                        run.job().run().getRunNumber(), run.job().id());
            } else {
                log.debug("Schedule {} fired for {}: run {} already created by another control plane", s.name(),
                        fireTime, run.job().run().getRunNumber());
            }
        } catch (StatusRuntimeException e) {
            outcome = "refused";
            reason = "the fire at " + fireTime + " created no run: " + e.getStatus().getDescription();
            log.warn("Schedule {}: {}", s.name(), reason);
        } catch (IllegalStateException e) {
            outcome = "refused";
            reason = "the fire at " + fireTime + " created no run: " + e.getMessage();
            log.warn("Schedule {}: {}", s.name(), reason);
        }
        meters.counter("hodei_schedule_fires_total", "outcome", outcome).increment();
        schedules.markFired(s.id(), fireTime, reason);
    }

    private Map<String, String> parameters(ScheduleStore.ScheduleRow s) {
        Map<String, String> all = new HashMap<>(s.parameters());
        all.putAll(secrets(s));
        return all;
    }

    private Set<String> secretNames(ScheduleStore.ScheduleRow s) {
        return secrets(s).keySet();
    }

    private Map<String, String> secrets(ScheduleStore.ScheduleRow s) {
        try {
            return cipher.open(s.secretParameters(), SecretCipher.forSchedule(s.id()));
        } catch (SecretCipher.SecretUnavailable e) {
            throw new IllegalStateException(e.getMessage());
        }
    }
}
