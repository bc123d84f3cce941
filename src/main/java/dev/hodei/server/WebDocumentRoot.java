package dev.hodei.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.server.ConfigurableServletWebServerFactory;
import org.springframework.stereotype.Component;

/**
 * The web server's document root under {@code <hodei.home>/tomcat/docroot}. Everything it serves
 * comes from the classpath; without a root of its own Tomcat makes a fresh /tmp/tomcat-docbase.*
 * at every start, which a killed server leaves behind.
 */
@Component
class WebDocumentRoot implements WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> {

    private final Path root;

    WebDocumentRoot(HodeiProperties props) {
        this.root = props.home().resolve("tomcat").resolve("docroot");
    }

    @Override
    public void customize(ConfigurableServletWebServerFactory factory) {
        try {
            factory.setDocumentRoot(Files.createDirectories(root).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the web server's document root " + root, e);
        }
    }
}
