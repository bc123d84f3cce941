package dev.hodei.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hodei.server.HodeiProperties;
import dev.hodei.testing.TestProviders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Withheld providers are not offered, jobs naming them are told why, and the default must be offered. */
class ProvidersTest {

    @Test
    void aWithheldProviderIsNotOfferedAndAJobNamingItIsToldWhy() {
        Providers providers = new Providers(List.of(TestProviders.inert("process", "gRPC listens beyond loopback"),
                TestProviders.inert("docker", null)), props("docker"));

        assertThat(providers.names()).containsExactly("docker");
        assertThat(providers.exists("process")).isFalse();
        assertThat(providers.refusal("process"))
                .isEqualTo("provider 'process' is not offered: gRPC listens beyond loopback (available: docker)");
        assertThat(providers.refusal("mainframe")).isEqualTo("unknown provider 'mainframe' (available: docker)");
    }

    @Test
    void aDefaultProviderThatIsNotOfferedStopsTheStart() {
        assertThatThrownBy(() -> new Providers(List.of(TestProviders.inert("process", "gRPC listens beyond loopback"),
                TestProviders.inert("docker", null)), props("process")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("hodei.jobs.default-provider (HODEI_DEFAULT_PROVIDER) is 'process': provider 'process' is "
                        + "not offered: gRPC listens beyond loopback (available: docker); make one of those the default");
    }

    static HodeiProperties props(String defaultProvider) {
        return new Binder(new MapConfigurationPropertySource(Map.of(
                "hodei.home", "/nonexistent", "hodei.jobs.default-provider", defaultProvider)))
                .bindOrCreate("hodei", HodeiProperties.class);
    }
}
