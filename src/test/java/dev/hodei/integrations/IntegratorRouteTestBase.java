package dev.hodei.integrations;

import dev.hodei.server.GrpcServer;
import dev.hodei.testing.KubernetesMockInitializer;
import dev.hodei.testing.TestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A base to test YAML routes against a real control plane (copy it to test your own): Camel's
 * Spring Boot test harness ({@code @CamelSpringBootTest}: {@code NotifyBuilder},
 * {@code MockEndpoint}, {@code AdviceWith}), embedded PostgreSQL, real agents, and the routes of
 * {@link #ROUTES} loaded from disk exactly as the server loads {@code routes/}.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ContextConfiguration(initializers = KubernetesMockInitializer.class)
public abstract class IntegratorRouteTestBase {

    /** The routes under test: the shipped examples, plus broken files to prove they cannot hurt. */
    static final Path ROUTES = prepareRoutes();

    @Autowired protected CamelContext camel;
    @Autowired protected ProducerTemplate producer;
    @Autowired protected GrpcServer grpc;
    protected TestClient client;

    @BeforeEach
    void connect() {
        client = new TestClient(grpc.port());
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    /** Points the server at the routes folder; subclasses add their own properties. */
    protected static void routes(DynamicPropertyRegistry registry) {
        registry.add("hodei.routes.dir", ROUTES::toString);
    }

    private static Path prepareRoutes() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "integrator-routes-" + ProcessHandle.current().pid()));
            try (Stream<Path> examples = Files.list(Path.of("routes", "examples"))) {
                for (Path p : examples.toList()) Files.copy(p, dir.resolve(p.getFileName()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(dir.resolve("zz-not-yaml.yaml"), "- route:\n    id: [unclosed\n");
            Files.writeString(dir.resolve("zz-bad-endpoint.yaml"), """
                    - route:
                        id: bad-endpoint
                        from:
                          uri: no-such-component:nowhere
                          steps:
                            - log: never
                    """);
            return dir.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
