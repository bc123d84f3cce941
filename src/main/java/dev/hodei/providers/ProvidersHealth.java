package dev.hodei.providers;

import dev.hodei.server.HodeiProperties;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health {@code providers}: each provider's state in the details. DOWN only when the default
 * provider cannot make workers (jobs that name no provider would wait); another provider being
 * down is reported without taking the server out of service.
 */
@Component("providersHealthIndicator") // health key "providers"
public class ProvidersHealth implements HealthIndicator {

    private final Providers providers;
    private final String defaultProvider;

    public ProvidersHealth(Providers providers, HodeiProperties props) {
        this.providers = providers;
        this.defaultProvider = props.jobs().defaultProvider();
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up().withDetail("default", defaultProvider);
        for (WorkerProvider p : providers.all()) {
            try {
                p.checkHealth();
                health.withDetail(p.name(), "UP");
            } catch (ProvisioningException | RuntimeException e) {
                health.withDetail(p.name(), "DOWN: " + e.getMessage());
                if (p.name().equals(defaultProvider)) health.down();
            }
        }
        return health.build();
    }
}
