package dev.hodei;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import java.util.function.Consumer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import java.time.Clock;

/** The control plane: gRPC API, Camel lifecycle routes, PostgreSQL. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HodeiServer {

    /** What deadlines are measured with; tests replace it to move time on without waiting. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }


    public static ConfigurableApplicationContext start(String... args) {
        return start(ctx -> {}, args);
    }

    /** {@code prepared} receives the context before it is refreshed, i.e. before start-up completes. */
    public static ConfigurableApplicationContext start(Consumer<ConfigurableApplicationContext> prepared, String... args) {
        SpringApplication app = new SpringApplication(HodeiServer.class);
        app.addInitializers(prepared::accept);
        return app.run(args);
    }

    public static void main(String[] args) {
        start(args);
    }
}
