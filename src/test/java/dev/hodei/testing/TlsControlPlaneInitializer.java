package dev.hodei.testing;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Turns TLS on, with client certificates required of API clients, with one throw-away CA per
 * test JVM ({@link #TLS}), and the registration
 * hygiene settings at their production limit with short windows, so a test can see them act.
 */
public class TlsControlPlaneInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final TestTls TLS = TestTls.create();

    @Override
    public void initialize(ConfigurableApplicationContext ctx) {
        TestPropertyValues.of(TLS.serverProperties()).and(
                // mTLS for API clients; agents carry no certificate and must still get in
                "hodei.grpc.tls.client-ca-file=" + TLS.ca(),
                "hodei.workers.register-timeout=1s",
                "hodei.workers.max-failed-registrations=10",
                "hodei.workers.failed-registrations-window=10s").applyTo(ctx);
    }
}
