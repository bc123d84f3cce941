package dev.hodei.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hodei.tls.LocalCertificateAuthority;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerChannelTest {

    @Test
    void plaintextOnlyToLoopback() {
        assertThat(ServerChannel.isLoopback("127.0.0.1:50051")).isTrue();
        assertThat(ServerChannel.isLoopback("localhost:50051")).isTrue();
        assertThat(ServerChannel.isLoopback("[::1]:50051")).isTrue();
        assertThat(ServerChannel.isLoopback("10.1.2.3:50051")).isFalse();
        assertThat(ServerChannel.isLoopback("hodei.hodei.svc:50051")).isFalse();

        assertThatThrownBy(() -> ServerChannel.factory(config("hodei.hodei.svc:50051", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HODEI_SERVER_CA_FILE");
        ServerChannel.factory(config("127.0.0.1:50051", null)).get().shutdownNow();
    }

    @Test
    void aCaThatIsNotPemIsAStartError() {
        assertThatThrownBy(() -> ServerChannel.factory(config("127.0.0.1:50051", "not a certificate")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("the server CA is not a PEM certificate");
    }

    @Test
    void aFailedHandshakeIsToldApartFromAnOutage() {
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
        handshake.initCause(new CertPathValidatorException("unable to find valid certification path to requested target"));
        assertThat(ServerChannel.tlsProblem(Status.UNAVAILABLE.withCause(handshake).asRuntimeException()))
                .isEqualTo("unable to find valid certification path to requested target");
        assertThat(ServerChannel.tlsProblem(Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException()))
                .isNull();
    }

    @Test
    void theServersCertificateMustVerifyAndNameTheAddressDialled(@TempDir Path dir) throws Exception {
        LocalCertificateAuthority ca = LocalCertificateAuthority.create("test CA", Duration.ofDays(1));
        ca.write(dir);
        String caPem = Files.readString(dir.resolve("ca.pem"));
        LocalCertificateAuthority.write(ca.server(List.of("127.0.0.1"), Duration.ofDays(1)), dir, "right");
        LocalCertificateAuthority.write(ca.server(List.of("other.example"), Duration.ofDays(1)), dir, "wrong");

        try (Tls right = new Tls(dir, "right"); Tls wrong = new Tls(dir, "wrong")) {
            assertThat(health(right.address(), caPem).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

            assertThatThrownBy(() -> health(wrong.address(), caPem)).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(ServerChannel.tlsProblem(e)).containsIgnoringCase("hostname"));
            Path other = Files.createDirectories(dir.resolve("other"));
            LocalCertificateAuthority.create("another CA", Duration.ofDays(1)).write(other);
            String otherCa = Files.readString(other.resolve("ca.pem"));
            assertThatThrownBy(() -> health(right.address(), otherCa)).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(ServerChannel.tlsProblem(e)).as("a TLS problem, not an outage").isNotNull());
        }
    }

    private static HealthCheckResponse health(String address, String caPem) {
        ManagedChannel channel = ServerChannel.factory(config(address, caPem)).get();
        try {
            return HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
        } finally {
            channel.shutdownNow();
        }
    }

    /** A gRPC server on loopback with the named certificate of {@code dir}. */
    private record Tls(Server server) implements AutoCloseable {
        Tls(Path dir, String name) throws Exception {
            this(NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .sslContext(GrpcSslContexts.forServer(dir.resolve(name + ".pem").toFile(),
                            dir.resolve(name + "-key.pem").toFile()).build())
                    .addService(new HealthStatusManager().getHealthService()).build().start());
        }

        String address() {
            return "127.0.0.1:" + server.getPort();
        }

        @Override
        public void close() {
            server.shutdownNow();
        }
    }

    private static AgentConfig config(String address, String ca) {
        return new AgentConfig(address, "w", "j", "otp", true, ca);
    }
}
