package dev.hodei.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.security.cert.CertPathValidatorException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

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

    private static AgentConfig config(String address, String ca) {
        return new AgentConfig(address, "w", "j", "otp", true, ca);
    }
}
