package dev.hodei.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JobSignalsTest {

    final JobSignals signals = new JobSignals();
    final UUID job = UUID.randomUUID();

    @Test
    void aSignalWakesAFollowerWaitingForAChange() throws Exception {
        try (JobSignals.Subscription changes = signals.subscribe(job)) {
            long seen = changes.version();
            CompletableFuture<Long> woke = CompletableFuture.supplyAsync(() -> {
                try {
                    changes.awaitChange(seen, 30_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return changes.version();
            });
            Thread.sleep(50);
            signals.signal(job);
            assertThat(woke.get(10, TimeUnit.SECONDS)).isEqualTo(seen + 1);
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
}
