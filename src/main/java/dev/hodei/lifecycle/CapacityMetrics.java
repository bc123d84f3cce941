package dev.hodei.lifecycle;

import dev.hodei.jobs.QueueStanding;
import dev.hodei.providers.Providers;
import hodei.v1.ProviderQueue;
import hodei.v1.Queue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * Per provider: {@code hodei_capacity_cpu}, {@code hodei_capacity_memory_mb},
 * {@code hodei_capacity_workers}, {@code hodei_capacity_starting} (0 = unlimited), what admitted jobs
 * hold ({@code hodei_capacity_cpu_in_use}, {@code …_memory_mb_in_use}, {@code hodei_jobs_admitted}),
 * {@code hodei_workers_starting} and {@code hodei_jobs_waiting}. One snapshot serves a whole scrape (at most one per 2 s).
 */
@Component
public class CapacityMetrics {

    private static final Duration FRESH = Duration.ofSeconds(2);

    private final QueueStanding standing;
    private final Clock clock;
    private volatile Queue snapshot = Queue.getDefaultInstance();
    private volatile Instant takenAt = Instant.MIN;

    public CapacityMetrics(QueueStanding standing, Providers providers, MeterRegistry meters, Clock clock) {
        this.standing = standing;
        this.clock = clock;
        for (String p : providers.names()) {
            gauge(meters, "hodei_capacity_cpu", "Cores a provider holds", p, ProviderQueue::getCpuCapacity);
            gauge(meters, "hodei_capacity_memory_mb", "MiB a provider holds", p, q -> q.getMemoryMbCapacity());
            gauge(meters, "hodei_capacity_workers", "Workers a provider holds at once", p, q -> q.getWorkersCapacity());
            gauge(meters, "hodei_capacity_cpu_in_use", "Cores its admitted jobs hold", p, ProviderQueue::getCpuInUse);
            gauge(meters, "hodei_capacity_memory_mb_in_use", "MiB its admitted jobs hold", p, q -> q.getMemoryMbInUse());
            gauge(meters, "hodei_jobs_admitted", "Jobs claimed, provisioning or running", p, q -> q.getAdmitted());
            gauge(meters, "hodei_jobs_waiting", "Due jobs waiting for the provider", p, q -> q.getWaiting());
            gauge(meters, "hodei_capacity_starting", "Workers a provider may be starting at once", p,
                    q -> q.getStartingCapacity());
            gauge(meters, "hodei_workers_starting", "Workers starting: admitted jobs not yet taken by their agent, "
                    + "warm workers not yet registered", p, q -> q.getStarting());
        }
    }

    private void gauge(MeterRegistry meters, String name, String description, String provider,
                       ToDoubleFunction<ProviderQueue> value) {
        Gauge.builder(name, () -> of(provider, value)).description(description).tag("provider", provider)
                .register(meters);
    }

    private double of(String provider, ToDoubleFunction<ProviderQueue> value) {
        Instant now = clock.instant();
        if (takenAt.plus(FRESH).isBefore(now)) {
            snapshot = standing.queue();
            takenAt = now;
        }
        return snapshot.getProvidersList().stream().filter(q -> q.getProvider().equals(provider)).findFirst()
                .map(q -> value.applyAsDouble(q)).orElse(0.0);
    }
}
