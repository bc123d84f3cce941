package dev.hodei.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JobSignalsTest {

    final JobSignals signals = new JobSignals(null, null);
    final UUID job = UUID.randomUUID();

    @Test
    void aSignalWakesAFollowerWaitingForAChange() throws Exception {
        try (JobSignals.Subscription changes = signals.subscribe(job)) {
            long seen = changes.version();
            AtomicLong woke = new AtomicLong(-1);
            Thread follower = new Thread(() -> {
                try {
                    changes.awaitChange(seen, 30_000);
                    woke.set(changes.version());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "follower");
            follower.start();
            try {
                // signal only once the follower is parked inside awaitChange: a signal sent earlier
                // would be seen through the version, and would not prove the wake-up
                await("the follower waiting in awaitChange").atMost(Duration.ofSeconds(10))
                        .until(() -> waitingForAChange(follower));
                signals.signal(job);

                // far less than the 30 s the follower would sleep if signal() did not notify it
                follower.join(TimeUnit.SECONDS.toMillis(10));
                assertThat(follower.isAlive()).as("follower woken by the signal").isFalse();
                assertThat(woke.get()).isEqualTo(seen + 1);
            } finally {
                follower.interrupt();
            }
        }
    }

    @Test
    void aSignalSentBeforeTheFollowerWaitsIsNotLost() throws Exception {
        try (JobSignals.Subscription changes = signals.subscribe(job)) {
            long seen = changes.version();
            signals.signal(job);
            long started = System.nanoTime();
            changes.awaitChange(seen, 30_000);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("returned at once").isLessThan(Duration.ofSeconds(10));
            assertThat(changes.version()).isEqualTo(seen + 1);
        }
    }

    @Test
    void aJobIsTrackedOnlyWhileFollowed() {
        signals.signal(job); // nobody follows: nothing is kept
        assertThat(signals.followed()).isZero();
        JobSignals.Subscription a = signals.subscribe(job);
        JobSignals.Subscription b = signals.subscribe(job);
        assertThat(signals.followed()).isEqualTo(1);
        a.close();
        assertThat(signals.followed()).isEqualTo(1);
        b.close();
        assertThat(signals.followed()).isZero();
    }

    private static boolean waitingForAChange(Thread t) {
        return t.getState() == Thread.State.TIMED_WAITING
                && Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("awaitChange"));
    }
}
