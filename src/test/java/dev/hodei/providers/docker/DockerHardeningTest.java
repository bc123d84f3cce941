package dev.hodei.providers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import dev.hodei.providers.ProvisioningException;
import dev.hodei.server.HodeiProperties;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The host configuration every worker container gets, without an engine. */
class DockerHardeningTest {

    final DockerProvider provider = new DockerProvider("docker", new HodeiProperties.Docker(true, "", "hodei-agent:latest",
            "", "host", "65534:65534", 1024, 2048, false), null, null);

    @Test
    void noCapabilitiesNoPrivilegeGainBoundedProcessesAndADefaultMemoryLimit() throws Exception {
        HostConfig host = provider.hardened(HostConfig.newHostConfig(), 0);

        assertThat(host.getCapDrop()).containsExactly(Capability.ALL);
        assertThat(host.getSecurityOpts()).containsExactly("no-new-privileges");
        assertThat(host.getPidsLimit()).isEqualTo(1024L);
        assertThat(host.getMemory()).isEqualTo(2048L * 1024 * 1024);
        assertThat(provider.hardened(HostConfig.newHostConfig(), 300).getMemory()).isEqualTo(300L * 1024 * 1024);
    }

    @Test
    void aMemoryLimitBeyondWhatBytesCanHoldIsRefusedNotWrapped() {
        assertThatThrownBy(() -> provider.hardened(HostConfig.newHostConfig(), Long.MAX_VALUE / 1024))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("is more than Docker can be given");
    }
}
