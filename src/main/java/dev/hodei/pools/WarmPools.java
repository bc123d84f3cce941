package dev.hodei.pools;

import dev.hodei.capacity.ProviderCapacities;
import dev.hodei.providers.Providers;
import dev.hodei.server.HodeiProperties;
import hodei.v1.JobSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** The configured warm pools ({@code hodei.pools}), checked at start: a bad setting stops the server, naming it. */
@Component
public class WarmPools {

    static final int MAX_IDLE_LIMIT = 1000;
    static final int MAX_REUSE_JOBS = 100_000;

    private final List<WarmPool> pools;

    public WarmPools(HodeiProperties props, Providers providers, ProviderCapacities capacities) {
        this.pools = resolve(props.pools(), providers, capacities);
        String why = PoolSizing.overCapacity(pools, capacities::of);
        if (why != null) throw new IllegalStateException(why);
    }

    static List<WarmPool> resolve(Map<String, HodeiProperties.Pool> settings, Providers providers,
                                  ProviderCapacities capacities) {
        return new TreeMap<>(settings).entrySet().stream().map(e -> {
            String name = e.getKey();
            HodeiProperties.Pool p = e.getValue();
            String prefix = "hodei.pools." + name + ".";
            String provider = p.provider() == null || p.provider().isBlank() ? name : p.provider();
            if (!providers.exists(provider)) {
                throw new IllegalStateException(prefix + "provider: " + providers.refusal(provider));
            }
            if (p.minIdle() < 0 || p.minIdle() > MAX_IDLE_LIMIT) {
                throw new IllegalStateException(prefix + "min-idle must be 0.." + MAX_IDLE_LIMIT + ", not " + p.minIdle());
            }
            int max = p.maxIdle() == 0 ? p.minIdle() : p.maxIdle();
            if (max < p.minIdle() || max > MAX_IDLE_LIMIT) {
                throw new IllegalStateException(prefix + "max-idle must be min-idle.." + MAX_IDLE_LIMIT + ", not " + max);
            }
            if (p.cpu() < 0 || p.memoryMb() < 0) {
                throw new IllegalStateException(prefix + "cpu and memory-mb must not be negative");
            }
            if (p.idleTimeout().isNegative() || p.idleTimeout().isZero()) {
                throw new IllegalStateException(prefix + "idle-timeout must be positive");
            }
            if (p.reuseJobs() < 1 || p.reuseJobs() > MAX_REUSE_JOBS) {
                throw new IllegalStateException(prefix + "reuse-jobs must be 1.." + MAX_REUSE_JOBS + ", not " + p.reuseJobs());
            }
            if (p.reuseJobs() > 1 && p.namespace().isBlank()) {
                // a worker that ran one team's job must never be handed another team's
                throw new IllegalStateException(prefix + "namespace must be set for a pool of reusable workers (reuse-jobs > 1)");
            }
            if (p.reuseFor().isNegative() || p.reuseFor().isZero()) {
                throw new IllegalStateException(prefix + "reuse-for must be positive");
            }
            JobSpec asked = JobSpec.newBuilder().setImage(p.image()).setCpu(p.cpu()).setMemoryMb(p.memoryMb()).build();
            return new WarmPool(name, provider, p.image(), capacities.cpuOf(asked), capacities.memoryMbOf(asked),
                    p.minIdle(), max, p.idleTimeout(), asked, p.namespace().isBlank() ? null : p.namespace(), p.reuseJobs(),
                    p.reuseFor());
        }).toList();
    }

    public List<WarmPool> all() {
        return pools;
    }

    public Optional<WarmPool> named(String name) {
        return pools.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
