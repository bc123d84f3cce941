package dev.hodei.testing;

import dev.hodei.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A throw-away CA with a server certificate for localhost/127.0.0.1 and a client certificate, as PEM files. */
public record TestTls(Path dir) {

    public static TestTls create() {
        try {
            Path dir = Files.createTempDirectory("hodei-test-tls");
            LocalCertificateAuthority ca = LocalCertificateAuthority.create("hodei test CA", Duration.ofDays(1));
            ca.write(dir);
            LocalCertificateAuthority.write(ca.server(List.of("localhost", "127.0.0.1"), Duration.ofDays(1)), dir, "server");
            LocalCertificateAuthority.write(ca.client("test-client", Duration.ofDays(1)), dir, "client");
            return new TestTls(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path cert() {
        return dir.resolve("server.pem");
    }

    public Path key() {
        return dir.resolve("server-key.pem");
    }

    public Path clientCert() {
        return dir.resolve("client.pem");
    }

    public Path clientKey() {
        return dir.resolve("client-key.pem");
    }

    /** Spring properties that turn TLS on with this CA (agents are handed {@link #ca()}). */
    public List<String> serverProperties() {
        return List.of("hodei.grpc.tls.cert-file=" + cert(), "hodei.grpc.tls.key-file=" + key(),
                "hodei.grpc.tls.ca-file=" + ca());
    }
}
