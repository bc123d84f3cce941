package dev.hodei.testing;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Turns TLS on with one throw-away CA per test JVM ({@link #TLS}), and the registration
 * hygiene settings at their production limit with short windows, so a test can see them act.
 */
public class TlsControlPlaneInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final TestTls TLS = TestTls.create();

    @Override
    public void initialize(ConfigurableApplicationContext ctx) {
        TestPropertyValues.of(TLS.serverProperties()).and(
                "hodei.workers.register-timeout=1s",
                "hodei.workers.max-failed-registrations=10",
                "hodei.workers.failed-registrations-window=10s").applyTo(ctx);
    }
}
