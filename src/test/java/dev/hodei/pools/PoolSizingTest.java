package dev.hodei.pools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hodei.providers.Capacity;
import hodei.v1.JobSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A pool's size on values: its target from recent demand, what it starts, what it retires, how it backs off. */
class PoolSizingTest {

    static final WarmPool POOL = new WarmPool("process", "process", "", 0.5, 256, 1, 3, Duration.ofMinutes(5),
            JobSpec.getDefaultInstance(), null, 1, Duration.ofMinutes(10));
    static final Instant NOW = Instant.parse("2026-12-02T03:00:00Z");

    @Test
    void theTargetIsMinIdlePlusRecentTakesUpToMaxIdle() {
        assertThat(PoolSizing.target(POOL, 0)).isEqualTo(1);
        assertThat(PoolSizing.target(POOL, 1)).isEqualTo(2);
        assertThat(PoolSizing.target(POOL, 50)).isEqualTo(3);
    }

    @Test
    void whatIsMissingCountsWorkersStillStarting() {
        List<PoolSizing.Idle> idle = List.of(idle(false, NOW), idle(true, NOW));

        assertThat(PoolSizing.missing(3, idle)).isEqualTo(1);
        assertThat(PoolSizing.missing(2, idle)).isZero();
        assertThat(PoolSizing.missing(1, idle)).isZero();
    }

    @Test
    void onlyReadyWorkersBeyondTheTargetIdleForLongerThanTheTimeoutAreRetiredLongestWaitingFirst() {
        PoolSizing.Idle oldest = idle(true, NOW.minus(Duration.ofMinutes(20)));
        PoolSizing.Idle old = idle(true, NOW.minus(Duration.ofMinutes(10)));
        PoolSizing.Idle fresh = idle(true, NOW.minus(Duration.ofMinutes(1)));
        PoolSizing.Idle starting = idle(false, NOW.minus(Duration.ofMinutes(30)));

        assertThat(PoolSizing.toRetire(POOL, 1, List.of(fresh, old, oldest), NOW)).containsExactly(oldest.workerId(),
                old.workerId());
        assertThat(PoolSizing.toRetire(POOL, 2, List.of(fresh, old, oldest), NOW)).containsExactly(oldest.workerId());
        assertThat(PoolSizing.toRetire(POOL, 1, List.of(fresh, starting), NOW)).isEmpty();
        assertThat(PoolSizing.toRetire(POOL, 3, List.of(fresh, old, oldest), NOW)).isEmpty();
    }

    @Test
    void neverBelowMinIdleWhateverTheTarget() {
        PoolSizing.Idle a = idle(true, NOW.minus(Duration.ofHours(1)));

        assertThat(PoolSizing.toRetire(POOL, 0, List.of(a), NOW)).isEmpty();
    }

    @Test
    void failedStartsPauseThePoolTwoSecondsDoublingToAMinute() {
        assertThat(PoolSizing.pausedUntil(0, null)).isEqualTo(Instant.MIN);
        assertThat(PoolSizing.pausedUntil(1, NOW)).isEqualTo(NOW.plusSeconds(2));
        assertThat(PoolSizing.pausedUntil(3, NOW)).isEqualTo(NOW.plusSeconds(8));
        assertThat(PoolSizing.pausedUntil(6, NOW)).isEqualTo(NOW.plusSeconds(60));
        assertThat(PoolSizing.pausedUntil(40, NOW)).isEqualTo(NOW.plusSeconds(60));
    }

    @Test
    void poolsWhoseMinIdleWorkersCannotAllFitTheirProviderAreNamedAddedUpPerProvider() {
        Capacity twoCores = new Capacity(2, 16_384, Integer.MAX_VALUE);
        WarmPool fast = pool("fast", "process", 1, 2);
        WarmPool slow = pool("slow", "process", 1, 1);
        WarmPool docker = pool("big", "docker", 0.5, 4);

        assertThat(PoolSizing.overCapacity(List.of(fast, docker), p -> twoCores)).isNull();
        assertThat(PoolSizing.overCapacity(List.of(fast, slow), p -> twoCores))
                .isEqualTo("hodei.pools.fast, hodei.pools.slow: the min-idle workers on provider process need "
                        + "3 cpu, 768 MiB, 3 workers, but the provider holds 2 cpu, 16384 MiB (lower min-idle "
                        + "or the pool's cpu / memory-mb, or set hodei.capacity.providers.process)");
        assertThat(PoolSizing.overCapacity(List.of(docker), p -> new Capacity(1.5, 16_384, 9))).startsWith("hodei.pools.big: ");
        assertThat(PoolSizing.overCapacity(List.of(fast), p -> new Capacity(8, 16_384, 1))).contains("2 workers, but the provider holds 8 cpu, 16384 MiB, 1 workers");
        assertThat(PoolSizing.overCapacity(List.of(pool("fat", "process", 0.5, 2)), p -> new Capacity(8, 400, 9)))
                .contains("512 MiB");
    }

    private static WarmPool pool(String name, String provider, double cpu, int minIdle) {
        return new WarmPool(name, provider, "", cpu, 256, minIdle, minIdle, Duration.ofMinutes(5),
                JobSpec.getDefaultInstance(), null, 1, Duration.ofMinutes(10));
    }

    private static PoolSizing.Idle idle(boolean ready, Instant since) {
        return new PoolSizing.Idle(UUID.randomUUID(), ready, since);
    }
}
