package dev.hodei.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jolokia.server.core.restrictor.policy.PolicyRestrictor;
import org.jolokia.server.core.service.api.Restrictor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What Jolokia may do: the built-in read-only policy ({@code jolokia-access.xml} on the classpath)
 * or the operator's file ({@code hodei.hawtio.jolokia-policy}). Jolokia's servlet takes a
 * {@link Restrictor} bean over its own lookup, which would allow everything when a file is missing;
 * here a missing or malformed file stops the start.
 */
@Configuration(proxyBeanMethods = false)
public class JolokiaPolicy {

    static final String BUILT_IN = "jolokia-access.xml";

    private static final Logger log = LoggerFactory.getLogger(JolokiaPolicy.class);

    @Bean
    Restrictor jolokiaRestrictor(HodeiProperties props) {
        String file = props.hawtio().jolokiaPolicy();
        if (file.isBlank()) return builtIn();
        Path path = Path.of(file);
        try (InputStream in = Files.newInputStream(path)) {
            Restrictor restrictor = parse(in, path.toString());
            log.info("Jolokia access policy from {}", path);
            return restrictor;
        } catch (IOException e) {
            throw new IllegalStateException("hodei.hawtio.jolokia-policy: cannot read " + path + " (" + e.getMessage() + ")", e);
        }
    }

    static Restrictor builtIn() {
        try (InputStream in = JolokiaPolicy.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) throw new IllegalStateException(BUILT_IN + " is missing from the classpath");
            return parse(in, BUILT_IN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Restrictor parse(InputStream in, String where) {
        try {
            return new PolicyRestrictor(in);
        } catch (SecurityException e) {
            throw new IllegalStateException("Jolokia access policy " + where + ": " + e.getMessage(), e);
        }
    }
}
