package dev.hodei.capacity;

import dev.hodei.providers.Capacity;
import dev.hodei.providers.Providers;
import dev.hodei.server.HodeiProperties;
import hodei.v1.JobSpec;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Each provider's capacity (what the provider reports, narrowed by {@code hodei.capacity.providers})
 * and what a job asks of it. A provider's own figure is asked again at most once a minute: the
 * claimer reads capacities every tick, and asking a Docker engine costs a round-trip.
 */
@Component
public class ProviderCapacities {

    private static final Duration REFRESH = Duration.ofMinutes(1);

    private record Known(Capacity capacity, Instant at) {}

    private final Providers providers;
    private final HodeiProperties.Capacity settings;
    private final Clock clock;
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    public ProviderCapacities(Providers providers, HodeiProperties props, Clock clock) {
        this.providers = providers;
        this.settings = props.capacity();
        this.clock = clock;
    }

    /** Unlimited for a provider this server does not offer (provisioning says why it fails). */
    public Capacity of(String provider) {
        if (!providers.exists(provider)) return Capacity.UNLIMITED;
        Instant now = clock.instant();
        Known k = known.get(provider);
        if (k == null || k.at().plus(REFRESH).isBefore(now)) {
            HodeiProperties.Limit limit = settings.providers().get(provider);
            Capacity c = providers.get(provider).capacity();
            if (limit != null) c = c.limitedTo(limit.cpu(), limit.memoryMb(), limit.workers(), limit.starting());
            k = new Known(c, now);
            known.put(provider, k);
        }
        return k.capacity();
    }

    /** Cores the job is counted for: its {@code cpu}, or the server's default request. */
    public double cpuOf(JobSpec spec) {
        return spec.getCpu() > 0 ? spec.getCpu() : settings.defaultCpu();
    }

    /** MiB the job is counted for: its {@code memory_mb}, or the server's default request. */
    public long memoryMbOf(JobSpec spec) {
        return spec.getMemoryMb() > 0 ? spec.getMemoryMb() : settings.defaultMemoryMb();
    }

    /** The limit of the job's concurrency key: an operator's setting for the key wins; 0 means 1. */
    public int concurrencyLimitOf(JobSpec spec) {
        Integer set = settings.concurrencyLimits().get(spec.getConcurrencyKey());
        int limit = set != null ? set : spec.getConcurrencyLimit();
        return Math.max(1, limit);
    }

    /** @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION when the job asks more than the provider has at all */
    public void checkFits(JobSpec spec, String provider) {
        String why = Admission.neverFits(cpuOf(spec), memoryMbOf(spec), provider, of(provider));
        if (why != null) throw Status.FAILED_PRECONDITION.withDescription(why).asRuntimeException();
    }
}
