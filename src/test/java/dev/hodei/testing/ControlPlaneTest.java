package dev.hodei.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * A real control plane: embedded PostgreSQL, gRPC on a free port, the built-in routes running,
 * the Kubernetes provider on the API mock ({@link KubernetesMock}), plus the misbehaving providers of
 * {@link TestProviders}. Every class using it shares one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@AutoConfigureObservability(tracing = false) // /actuator/prometheus as in production
@Import(TestProviders.class)
@ContextConfiguration(initializers = KubernetesMockInitializer.class)
public @interface ControlPlaneTest {}
