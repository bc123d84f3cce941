package dev.hodei;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/** The control plane: gRPC API, Camel lifecycle routes, PostgreSQL. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HodeiServer {

    public static ConfigurableApplicationContext start(String... args) {
        SpringApplication app = new SpringApplication(HodeiServer.class);
        return app.run(args);
    }

    public static void main(String[] args) {
        start(args);
    }
}
