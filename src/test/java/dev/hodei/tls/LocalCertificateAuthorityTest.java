package dev.hodei.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCertificateAuthorityTest {

    @TempDir Path dir;

    @Test
    void aServerCertificateVerifiesAgainstItsCaAndNamesEveryHostAndAddress() throws Exception {
        LocalCertificateAuthority ca = LocalCertificateAuthority.create("test CA", Duration.ofDays(1));
        X509Certificate server = ca.server(List.of("hodei.example", "localhost", "127.0.0.1"), Duration.ofDays(1))
                .certificate();

        server.verify(ca.certificate().getPublicKey());
        server.checkValidity();
        assertThat(ca.certificate().getBasicConstraints()).as("the CA may sign").isGreaterThanOrEqualTo(0);
        assertThat(server.getBasicConstraints()).as("the server certificate may not").isEqualTo(-1);
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(server.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                List.of(2, "hodei.example"), List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    }

    @Test
    void anotherCaDoesNotVerifyIt() {
        LocalCertificateAuthority ca = LocalCertificateAuthority.create("test CA", Duration.ofDays(1));
        LocalCertificateAuthority other = LocalCertificateAuthority.create("other CA", Duration.ofDays(1));
        X509Certificate server = ca.server(List.of("localhost"), Duration.ofDays(1)).certificate();

        assertThatThrownBy(() -> server.verify(other.certificate().getPublicKey())).isInstanceOf(SignatureException.class);
    }

    @Test
    void keysAreWrittenReadableByTheOwnerOnlyAndCertificatesForAll() throws Exception {
        LocalCertificateAuthority ca = LocalCertificateAuthority.create("test CA", Duration.ofDays(1));
        ca.write(dir);
        LocalCertificateAuthority.write(ca.server(List.of("localhost"), Duration.ofDays(1)), dir, "server");
        LocalCertificateAuthority.write(ca.client("agent", Duration.ofDays(1)), dir, "client");

        for (String key : List.of("ca-key.pem", "server-key.pem", "client-key.pem")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key)))).as(key)
                    .isEqualTo("rw-------");
            assertThat(Files.readString(dir.resolve(key))).startsWith("-----BEGIN PRIVATE KEY-----");
        }
        for (String cert : List.of("ca.pem", "server.pem", "client.pem")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(cert)))).as(cert)
                    .isEqualTo("rw-r--r--");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temp file left").noneMatch(n -> n.startsWith(".tmp-"));
        }
    }
}
