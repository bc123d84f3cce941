package dev.hodei.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Points the control plane under test at the Kubernetes API mock. The gRPC port is fixed up
 * front because the address pods dial is configuration, checked at start-up.
 */
public class KubernetesMockInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext ctx) {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestPropertyValues.of(
                "hodei.grpc.port=" + port,
                "hodei.providers.kubernetes.enabled=true",
                "hodei.providers.kubernetes.master-url=" + KubernetesMock.get().masterUrl(),
                "hodei.providers.kubernetes.namespace=" + KubernetesMock.NAMESPACE,
                "hodei.providers.kubernetes.server-address=127.0.0.1:" + port).applyTo(ctx);
    }
}
