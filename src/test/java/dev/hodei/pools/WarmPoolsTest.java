package dev.hodei.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.hodei.capacity.ProviderCapacities;
import dev.hodei.providers.Providers;
import dev.hodei.server.HodeiProperties;
import dev.hodei.testing.TestProviders;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The pools' settings as the server reads them at start. */
class WarmPoolsTest {

    static final Map<String, String> FOUR_ON_TWO_CORES = Map.of(
            "hodei.pools.fast.provider", "process", "hodei.pools.fast.min-idle", "4",
            "hodei.capacity.providers.process.cpu", "2");

    @Test
    void poolsWhoseMinIdleWorkersCannotAllFitStopTheStartNamingThem() {
        assertThatThrownBy(() -> pools(FOUR_ON_TWO_CORES, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("hodei.pools.fast: the min-idle workers on provider process need 4 cpu, ")
                .hasMessageContaining("but the provider holds 2 cpu");
    }

    @Test
    void workersCountedForLessFit() {
        assertThat(pools(FOUR_ON_TWO_CORES, Map.of("hodei.capacity.default-cpu", "0.5")).all())
                .extracting(WarmPool::name, WarmPool::cpu, WarmPool::minIdle)
                .containsExactly(tuple("fast", 0.5, 4));
        assertThat(pools(FOUR_ON_TWO_CORES, Map.of("hodei.pools.fast.cpu", "0.25")).all()).hasSize(1);
    }

    private static WarmPools pools(Map<String, String> settings, Map<String, String> more) {
        Map<String, String> all = new HashMap<>(settings);
        all.putAll(more);
        all.put("hodei.home", "/nonexistent");
        HodeiProperties props = new Binder(new MapConfigurationPropertySource(all)).bindOrCreate("hodei", HodeiProperties.class);
        Providers providers = new Providers(List.of(TestProviders.inert("process", null)), props);
        return new WarmPools(props, providers, new ProviderCapacities(providers, props, Clock.systemUTC()));
    }
}
