package dev.hodei.lifecycle;

import dev.hodei.jobs.Failure;
import dev.hodei.server.HodeiProperties;
import dev.hodei.workers.DestroyReason;
import dev.hodei.workers.WorkerRecord;
import dev.hodei.workers.WorkerStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Route {@code reap-workers}: finds the workers that will never finish their job — their agent
 * did not register within the start deadline, or its heartbeats stopped — and those terminated
 * but not destroyed. It only reads: the route terminates, destroys and fails each. Safe on two
 * control planes at once, because each consequence is a guarded state change.
 */
@Component
public class WorkerReaper {

    /** A worker to destroy, and the failure its job's attempt ends with (null when the job is not affected). */
    public record Doomed(UUID workerId, DestroyReason reason, String failure) {}

    // A destroy just failed or is under way: give it a moment before the GC retries it.
    private static final Duration DESTROY_RETRY_AFTER = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(WorkerReaper.class);

    private final WorkerStore workers;
    private final HodeiProperties.Workers settings;
    private final Clock clock;
    // The reap route starts with Camel, before the application is ready: until the heartbeat clocks
    // of the workers live at the last stop are restarted, their silence only measures our downtime.
    private volatile boolean clocksRestarted;
    // When the last pass read the workers, or ended. A gap in the passes (the database away: no pass, and no
    // heartbeat written either; another replica leading meanwhile) is no evidence that a worker went
    // silent: after one, heartbeat clocks restart, as after a restart, and silence counts from then.
    private volatile Instant lastPass;
    private final Duration passGap;

    public WorkerReaper(WorkerStore workers, HodeiProperties props, Clock clock) {
        this.workers = workers;
        this.settings = props.workers();
        this.clock = clock;
        // passes come every gc-interval-ms; one late by as much again is load, not a gap
        this.passGap = Duration.ofMillis(2 * settings.gcIntervalMs() + 1000);
    }

    /** A restart is no evidence that a worker was lost: its agent is probably reconnecting right now. */
    @EventListener(ApplicationReadyEvent.class)
    public void graceAfterRestart() {
        int n = workers.restartHeartbeatClocks();
        lastPass = clock.instant(); // a replica that first leads long after its start sees that as a gap
        clocksRestarted = true;
        if (n > 0) log.info("{} worker(s) were live when the control plane last stopped; waiting for them to reconnect", n);
    }

    public List<Doomed> doomed() {
        Instant now = clock.instant();
        Instant previous = lastPass;
        if (clocksRestarted && previous != null && Duration.between(previous, now).compareTo(passGap) > 0) {
            int n = workers.restartHeartbeatClocks(now);
            if (n > 0) {
                log.info("GC: no pass for {} s (the database away, or another replica leading): the heartbeat clocks "
                        + "of {} worker(s) restart", Duration.between(previous, now).toSeconds(), n);
            }
        }
        List<Doomed> doomed = new ArrayList<>();
        for (WorkerRecord w : workers.startedBefore(now.minus(settings.startDeadline()))) {
            doomed.add(new Doomed(w.id(), DestroyReason.GC_PROVISION_TIMEOUT, Failure.START_TIMEOUT.because(
                    "the agent did not register within " + settings.startDeadline().toSeconds() + " s")));
        }
        for (WorkerRecord w : clocksRestarted ? workers.silentSince(now.minus(settings.lostAfter())) : List.<WorkerRecord>of()) {
            doomed.add(new Doomed(w.id(), DestroyReason.GC_LOST,
                    Failure.WORKER_LOST.because("no heartbeat for " + settings.lostAfter().toSeconds() + " s")));
        }
        for (WorkerRecord w : workers.busyAfterTheirJob(now.minus(settings.lostAfter()))) {
            doomed.add(new Doomed(w.id(), DestroyReason.GC_JOB_OVER, null));
        }
        for (WorkerRecord w : workers.undestroyedSince(now.minus(DESTROY_RETRY_AFTER))) {
            // its job's attempt, if still on: failed once the resource is gone (an attempt already
            // over, the job's end recorded, is left as it is: retry-or-fail finds it STALE)
            doomed.add(new Doomed(w.id(), DestroyReason.GC_DESTROY_RETRY,
                    Failure.WORKER_LOST.because("its worker was ended and its removal had to be tried again")));
        }
        if (!doomed.isEmpty()) log.info("GC: {} worker(s) to destroy", doomed.size());
        lastPass = now; // only a pass that read the workers: one failing with the database away is none
        return doomed;
    }

    /** The route's pass ended, its destroys done: a long pass (destroys that take their time) is no gap. */
    public void passEnded() {
        lastPass = clock.instant();
    }
}
