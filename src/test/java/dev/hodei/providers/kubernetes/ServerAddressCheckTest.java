package dev.hodei.providers.kubernetes;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The address pods dial is checked at start-up (seed 001: pods told host.docker.internal never called home). */
class ServerAddressCheckTest {

    @Test
    void missingWrongOrUnreachableByDesignAddressesStopTheStart() {
        assertThatThrownBy(() -> KubernetesWorkersConfig.checkServerAddress(""))
                .hasMessageContaining("server-address is not set");
        assertThatThrownBy(() -> KubernetesWorkersConfig.checkServerAddress("host.docker.internal:50051"))
                .hasMessageContaining("host.docker.internal does not resolve inside Kubernetes pods");
        assertThatThrownBy(() -> KubernetesWorkersConfig.checkServerAddress("hodei.svc"))
                .hasMessageContaining("is not host:port");
        assertThatThrownBy(() -> KubernetesWorkersConfig.checkServerAddress("hodei.svc:99999"))
                .hasMessageContaining("is not host:port");
    }

    @Test
    void aServiceAddressIsAccepted() {
        assertThatCode(() -> KubernetesWorkersConfig.checkServerAddress("hodei.hodei-system.svc:50051"))
                .doesNotThrowAnyException();
    }
}
