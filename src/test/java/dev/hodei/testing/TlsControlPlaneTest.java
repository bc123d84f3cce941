package dev.hodei.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * A control plane like {@link ControlPlaneTest}'s, but with gRPC over TLS
 * ({@link TlsControlPlaneInitializer}); every class using it shares this second context.
 * Clients dial it with {@code TestClient.tls(port, TlsControlPlaneInitializer.TLS.ca())}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ContextConfiguration(initializers = {KubernetesMockInitializer.class, TlsControlPlaneInitializer.class})
public @interface TlsControlPlaneTest {}
