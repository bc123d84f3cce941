package dev.hodei.standalone;

import dev.hodei.auth.LocalAdminToken;
import dev.hodei.providers.ProvisioningException;
import dev.hodei.providers.Providers;
import dev.hodei.providers.WorkerProvider;
import dev.hodei.server.GrpcEndpoint;
import dev.hodei.server.HodeiProperties;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * The one screen {@code hodei server} prints once it is ready, instead of framework noise: where to
 * reach it, where its data and credentials are, which providers can make workers. Paths and
 * addresses only: no secret, no database URL (it may carry a password).
 */
final class StartupSummary {

    private StartupSummary() {}

    static String of(ConfigurableApplicationContext ctx) {
        HodeiProperties props = ctx.getBean(HodeiProperties.class);
        Environment env = ctx.getEnvironment();
        Path home = props.home().toAbsolutePath();
        boolean tls = props.grpc().tls().enabled();
        StringBuilder s = new StringBuilder();
        s.append(String.format("Hodei control plane ready in %.1f s%n",
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0));
        s.append(String.format("  gRPC API     %s:%s (%s)%n", props.grpc().address(),
                ctx.getBean(GrpcEndpoint.class).loopbackAddress().replaceFirst(".*:", ""),
                tls ? "TLS" : "plaintext, loopback only"));
        String http = env.getProperty("server.address", "127.0.0.1") + ":" + env.getProperty("local.server.port", "?");
        s.append(String.format("  HTTP         http://%s  (Hawtio /actuator/hawtio, health /actuator/health, metrics /actuator/prometheus)%n", http));
        s.append(String.format("  data         %s%n", home));
        s.append(String.format("  database     %s%n", env.getProperty("spring.datasource.url", "").isBlank()
                ? "embedded PostgreSQL, " + home.resolve("pgdata") : "external PostgreSQL (spring.datasource.url)"));
        Path token = home.resolve(LocalAdminToken.FILE);
        if (Files.exists(token)) {
            s.append(String.format("  admin token  %s (the CLI on this machine uses it)%n", token));
        }
        if (env.getProperty("spring.security.user.password", "").isBlank()) {
            s.append(String.format("  operator     user %s, password in %s%n", env.getProperty("spring.security.user.name", "admin"),
                    home.resolve("operator.password")));
        }
        String defaultProvider = props.jobs().defaultProvider();
        for (WorkerProvider p : ctx.getBean(Providers.class).all()) {
            String state;
            try {
                p.checkHealth();
                state = "usable";
            } catch (ProvisioningException | RuntimeException e) {
                state = "not usable now: " + e.getMessage();
            }
            s.append(String.format("  provider     %-10s %s%s%n", p.name(), state, p.name().equals(defaultProvider) ? " (default)" : ""));
        }
        s.append("  try          hodei run -- echo hello");
        return s.toString();
    }
}
