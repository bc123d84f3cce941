package dev.hodei.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailedRegistrationsTest {

    final AtomicLong now = new AtomicLong();
    final FailedRegistrations failures = new FailedRegistrations(3, TimeUnit.SECONDS.toNanos(60), now::get);

    @Test
    void aPeerIsBlockedAfterTheLimitUntilTheWindowEnds() {
        for (int i = 0; i < 3; i++) {
            assertThat(failures.blocked("10.0.0.1")).isFalse();
            failures.failed("10.0.0.1");
        }
        assertThat(failures.blocked("10.0.0.1")).isTrue();
        assertThat(failures.blocked("10.0.0.2")).as("other peers are not").isFalse();

        now.addAndGet(TimeUnit.SECONDS.toNanos(59));
        assertThat(failures.blocked("10.0.0.1")).isTrue();
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertThat(failures.blocked("10.0.0.1")).isFalse();
    }

    @Test
    void memoryIsBoundedWhateverTheNumberOfPeers() {
        for (int i = 0; i < FailedRegistrations.MAX_PEERS + 5000; i++) failures.failed("peer-" + i);
        assertThat(failures.tracked()).isEqualTo(FailedRegistrations.MAX_PEERS);
    }
}
