package dev.hodei.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    final MutableClock clock = new MutableClock();
    final LoginThrottle throttle = new LoginThrottle(5, Duration.ofMinutes(1), clock);

    @Test
    void theFifthFailureInAMinuteRefusesTheAddressForAMinute() {
        for (int i = 0; i < 4; i++) throttle.failed("10.0.0.1");
        assertThat(throttle.refusedFor("10.0.0.1")).isZero();
        throttle.failed("10.0.0.1");
        assertThat(throttle.refusedFor("10.0.0.1")).isEqualTo(60_000);
        assertThat(throttle.refusedFor("10.0.0.2")).as("other addresses").isZero();

        clock.advance(Duration.ofSeconds(59));
        assertThat(throttle.refusedFor("10.0.0.1")).isEqualTo(1_000);
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.refusedFor("10.0.0.1")).isZero();
        throttle.failed("10.0.0.1");
        assertThat(throttle.refusedFor("10.0.0.1")).as("a new window").isZero();
    }

    @Test
    void fourFailuresAMinuteAreNotRefused() {
        for (int minute = 0; minute < 5; minute++) {
            for (int i = 0; i < 4; i++) throttle.failed("10.0.0.1");
            assertThat(throttle.refusedFor("10.0.0.1")).isZero();
            clock.advance(Duration.ofMinutes(1));
        }
    }

    @Test
    void memoryIsBounded() {
        for (int i = 0; i < LoginThrottle.MAX_ADDRESSES; i++) throttle.failed("addr-" + i);
        for (int i = 0; i < 5; i++) throttle.failed("attacker");
        assertThat(throttle.refusedFor("attacker")).isPositive();
        assertThat(throttle.tracked()).isEqualTo(LoginThrottle.MAX_ADDRESSES);
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
